// Counts what a module worker serves, for the master's statistics (stats
// server, SIGUSR1, the emperor), worker status (SIGUSR2) and the drain. On the
// hot path it costs one Map entry, two clock reads, one read of the socket's
// byte count and one shared 'close' listener per response; nothing is sent
// until the master asks. The "METHOD url" text is only built when it does.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { WorkerActivity } from '../ipc/protocol.js';

/** The socket's bytesWritten when its previous response ended (a property of our own on the socket). */
const kCounted = Symbol('uw bytes counted');
type CountedSocket = Socket & { [kCounted]?: number };

/** A response being written: its request, its socket and its start (performance.now() ms). */
interface InFlight {
  readonly req: IncomingMessage;
  readonly socket: CountedSocket;
  readonly start: number;
  /** already counted as an exception (the handler threw) */
  failed: boolean;
}

interface Totals {
  requests: number;
  exceptions: number;
  tx: number;
  avgRtUs: number;
  runningTimeUs: number;
}

export class RequestCounter {
  private readonly totals: Totals = { requests: 0, exceptions: 0, tx: 0, avgRtUs: 0, runningTimeUs: 0 };
  private readonly inflight = new Map<ServerResponse, InFlight>();
  private readonly onClose: (this: ServerResponse) => void;

  constructor() {
    const { inflight, totals } = this;
    // one function for every response: `this` is the response that closed. The response
    // has let go of its socket by now (detachSocket), so the socket was kept at the start
    this.onClose = function (this: ServerResponse) {
      const entry = inflight.get(this);
      if (entry === undefined) return;
      inflight.delete(this);
      const us = (performance.now() - entry.start) * 1000;
      totals.requests += 1;
      totals.runningTimeUs += us;
      // uWSGI's running average: the newest response weighs as much as all before it
      totals.avgRtUs = totals.requests === 1 ? us : (totals.avgRtUs + us) / 2;
      // bytesWritten includes what is still buffered, so the bytes since the previous
      // response's end are this one's, all of them (a connection's responses are sequential)
      const written = entry.socket.bytesWritten;
      totals.tx += written - (entry.socket[kCounted] ?? 0);
      entry.socket[kCounted] = written;
      if (!entry.failed && this.errored !== null) totals.exceptions += 1;
    };
  }

  track(req: IncomingMessage, res: ServerResponse): void {
    this.inflight.set(res, { req, socket: req.socket, start: performance.now(), failed: false });
    // 'close' comes once per response: `on` spares the wrapper `once` allocates
    res.on('close', this.onClose);
  }

  /** The handler threw (or its promise rejected) for `res`: counted once per response. */
  exception(res: ServerResponse): void {
    const entry = this.inflight.get(res);
    if (entry?.failed === true) return;
    if (entry) entry.failed = true;
    this.totals.exceptions += 1;
  }

  /** A connection sent a malformed uwsgi packet and was closed: counted with the exceptions. */
  protocolError(): void {
    this.totals.exceptions += 1;
  }

  /** Responses still being written. */
  responses(): IterableIterator<ServerResponse> {
    return this.inflight.keys();
  }

  snapshot(): WorkerActivity {
    const oldest = this.inflight.values().next();
    const current = oldest.done
      ? undefined
      : { request: `${oldest.value.req.method ?? '?'} ${oldest.value.req.url ?? ''}`, since: Math.round(performance.timeOrigin + oldest.value.start) };
    const { requests, exceptions, tx, avgRtUs, runningTimeUs } = this.totals;
    return {
      requests,
      exceptions,
      tx,
      avgRtUs: Math.round(avgRtUs),
      runningTimeUs: Math.round(runningTimeUs),
      inflight: this.inflight.size,
      ...(current && { current }),
    };
  }
}
