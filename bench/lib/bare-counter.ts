// The bench's stand-in for src/worker/request-counter.ts in a worker built
// without counters (see bare-build.ts): it keeps only what the drain needs
// (the responses in flight), as the worker did before statistics. Never part
// of the product.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WorkerActivity } from '../../src/ipc/protocol.js';

export class RequestCounter {
  private readonly inflight = new Set<ServerResponse>();
  private readonly onClose: (this: ServerResponse) => void;

  constructor() {
    const { inflight } = this;
    this.onClose = function (this: ServerResponse) {
      inflight.delete(this);
    };
  }

  track(_req: IncomingMessage, res: ServerResponse): void {
    this.inflight.add(res);
    res.on('close', this.onClose);
  }

  exception(_res: ServerResponse): void {
    // not counted
  }

  responses(): IterableIterator<ServerResponse> {
    return this.inflight.values();
  }

  snapshot(): WorkerActivity {
    return { requests: 0, exceptions: 0, tx: 0, avgRtUs: 0, runningTimeUs: 0, inflight: this.inflight.size };
  }
}
