// Lossless drain of an HTTP server that shares its listening socket with others.
//
// http.Server.close() (since Node 19) also closes idle keep-alive connections,
// and a client that sends on one at that moment gets a reset. So instead: stop
// accepting (the other workers keep accepting on the shared socket), answer
// every further request with `Connection: close`, and report when the last
// connection is gone.
import { Server as NetServer } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Tracks in-flight responses so a drain can mark them `Connection: close`. */
export class Drainer {
  private draining = false;
  private readonly inflight = new Set<ServerResponse>();

  /** Call first thing for every request. */
  track(_req: IncomingMessage, res: ServerResponse): void {
    if (this.draining) res.shouldKeepAlive = false;
    this.inflight.add(res);
    res.once('close', () => this.inflight.delete(res));
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Stop accepting on every server; resolve when all their connections closed. */
  drain(servers: readonly (Server | NetServer)[]): Promise<void> {
    this.draining = true;
    for (const res of this.inflight) if (!res.headersSent) res.shouldKeepAlive = false;
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
