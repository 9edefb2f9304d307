// Counts requests served and remembers the ones in flight, for the master's
// statistics (SIGUSR1), worker status (SIGUSR2) and the drain. On the hot path
// it costs one Map entry and one shared 'close' listener per request; the
// "METHOD url" text is only built when the master asks.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WorkerActivity } from '../ipc/protocol.js';

export class RequestCounter {
  private readonly totals = { served: 0 };
  private readonly inflight = new Map<ServerResponse, { readonly req: IncomingMessage; readonly since: number }>();
  private readonly onClose: (this: ServerResponse) => void;

  constructor() {
    const { inflight, totals } = this;
    // one function for every response: `this` is the response that closed
    this.onClose = function (this: ServerResponse) {
      inflight.delete(this);
      totals.served += 1;
    };
  }

  track(req: IncomingMessage, res: ServerResponse): void {
    this.inflight.set(res, { req, since: Date.now() });
    res.once('close', this.onClose);
  }

  /** Responses still being written. */
  responses(): IterableIterator<ServerResponse> {
    return this.inflight.keys();
  }

  snapshot(): WorkerActivity {
    const oldest = this.inflight.values().next();
    const current = oldest.done ? undefined : { request: `${oldest.value.req.method ?? '?'} ${oldest.value.req.url ?? ''}`, since: oldest.value.since };
    return { requests: this.totals.served, inflight: this.inflight.size, ...(current && { current }) };
  }
}
