// Lossless drain of an HTTP server that shares its listening socket with others.
//
// http.Server.close() (since Node 19) also closes idle keep-alive connections,
// and a client that sends on one at that moment gets a reset. So instead: stop
// accepting (the other workers keep accepting on the shared socket), answer
// every further request with `Connection: close`, and report when the last
// connection is gone.
import { Server as NetServer } from 'node:net';
import type { Server, ServerResponse } from 'node:http';

/** Marks responses `Connection: close` once a drain has begun. */
export class Drainer {
  private draining = false;

  /** @param inflight the responses still being written (the request counter's) */
  constructor(private readonly inflight: () => Iterable<ServerResponse>) {}

  /** Call first thing for every request. */
  track(res: ServerResponse): void {
    if (this.draining) res.shouldKeepAlive = false;
  }

  /** Stop accepting on every server; resolve when all their connections closed. */
  drain(servers: readonly (Server | NetServer)[]): Promise<void> {
    this.draining = true;
    for (const res of this.inflight()) if (!res.headersSent) res.shouldKeepAlive = false;
    return Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            // net.Server's close: stop accepting, keep open connections, call back when none is left
            NetServer.prototype.close.call(server, () => resolve());
          }),
      ),
    ).then(() => undefined);
  }
}
