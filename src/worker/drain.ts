// Lossless drain of an HTTP server that shares its listening socket with others.
//
// http.Server.close() (since Node 19) also closes idle keep-alive connections,
// and a client that sends on one at that moment gets a reset. So on a reload:
// stop accepting (the other workers keep accepting on the shared socket), answer
// every further request with `Connection: close`, and report when the last
// connection is gone. On a stop nobody takes over, so idle keep-alive
// connections are closed at once (a FIN between requests, which clients expect
// of keep-alive) instead of holding the stop until their keep-alive timeout.
import { Server as NetServer, type Socket } from 'node:net';
import type { Server, ServerResponse } from 'node:http';

/** How long a stop waits before closing idle connections, so that requests already received get parsed. */
const FRESH_REQUEST_GRACE_MS = 50;

export interface DrainOptions {
  /** also close idle keep-alive connections (after a short grace) and those of in-flight responses once they end */
  readonly closeIdle?: boolean;
  /** a reload: each open connection keeps alive until a random moment within this many ms, then closes after its next response */
  readonly spreadMs?: number;
}

/** The clock and the dice, injected for tests. */
export interface DrainDeps {
  readonly now: () => number;
  readonly random: () => number;
}

/** Marks responses `Connection: close` once a drain has begun. */
export class Drainer {
  private draining = false;
  private done: Promise<void> | null = null;
  private closingIdle = false;
  /** open HTTP connections, to find those that never sent a byte */
  private readonly connections = new Set<Socket>();
  /** when each connection open at the drain may stop keeping alive (epoch ms); a connection not here closes at once */
  private readonly closeAt = new WeakMap<Socket, number>();

  /** @param inflight the responses still being written (the request counter's) */
  constructor(
    private readonly inflight: () => Iterable<ServerResponse>,
    private readonly deps: DrainDeps = { now: Date.now, random: Math.random },
  ) {}

  /** Know `server`'s connections (HTTP or uwsgi): on a stop, one that never sent a request is closed too. */
  watch(server: Server | NetServer): void {
    server.on('connection', (socket: Socket) => {
      this.connections.add(socket);
      socket.once('close', () => this.connections.delete(socket));
    });
  }

  /** Call first thing for every request. */
  track(res: ServerResponse): void {
    if (this.draining && this.closesNow(res)) res.shouldKeepAlive = false;
  }

  private closesNow(res: ServerResponse): boolean {
    const at = res.socket === null ? undefined : this.closeAt.get(res.socket);
    return at === undefined || this.deps.now() >= at;
  }

  /** Stop accepting on every server; resolve when all their connections closed. Idempotent. */
  drain(servers: readonly (Server | NetServer)[], options: DrainOptions = {}): Promise<void> {
    if (this.done === null) {
      this.draining = true;
      this.spread(options.spreadMs ?? 0);
      for (const res of this.inflight()) if (!res.headersSent && this.closesNow(res)) res.shouldKeepAlive = false;
      this.done = Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              // net.Server's close: stop accepting, keep open connections, call back when none is left
              NetServer.prototype.close.call(server, () => resolve());
            }),
        ),
      ).then(() => undefined);
    }
    if (options.closeIdle === true && !this.closingIdle) this.closeIdle(servers);
    return this.done;
  }

  /** Keep-alive clients reconnect to the new workers over `spreadMs`, not all at the same moment. */
  private spread(spreadMs: number): void {
    if (spreadMs <= 0) return;
    const start = this.deps.now();
    for (const socket of this.connections) this.closeAt.set(socket, start + this.deps.random() * spreadMs);
  }

  private closeIdle(servers: readonly (Server | NetServer)[]): void {
    this.closingIdle = true;
    const close = (): void => {
      for (const server of servers) if ('closeIdleConnections' in server) server.closeIdleConnections();
      // Node counts a connection as busy from its accept until its first request ends, so one
      // that never sent a byte (a preconnect, a scanner) would hold the stop until the mercy
      for (const socket of this.connections) if (socket.bytesRead === 0) socket.destroy();
    };
    // a connection accepted just now may have its request in the kernel's buffer: let the loop read it first
    setTimeout(() => {
      // a response whose headers were already sent keeps its connection alive: close it once idle
      for (const res of this.inflight()) res.once('close', () => setImmediate(close));
      close();
    }, FRESH_REQUEST_GRACE_MS);
  }
}
