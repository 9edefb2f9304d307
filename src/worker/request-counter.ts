// Counts requests served and remembers the ones in flight, for the master's
// statistics (SIGUSR1) and worker status (SIGUSR2).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WorkerActivity } from '../ipc/protocol.js';

export class RequestCounter {
  private served = 0;
  private readonly inflight = new Map<ServerResponse, { request: string; since: number }>();

  track(req: IncomingMessage, res: ServerResponse): void {
    this.inflight.set(res, { request: `${req.method ?? '?'} ${req.url ?? ''}`, since: Date.now() });
    res.once('close', () => {
      this.inflight.delete(res);
      this.served += 1;
    });
  }

  snapshot(): WorkerActivity {
    const oldest = this.inflight.values().next();
    return {
      requests: this.served,
      inflight: this.inflight.size,
      ...(oldest.done ? {} : { current: oldest.value }),
    };
  }
}
