// A loopback TCP proxy a test can cut and restore: one client's network
// partition from a server (etcd) that the others still reach.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** Forwards 127.0.0.1:port to 127.0.0.1:target until cut. */
export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  private constructor(readonly target: number, public port = 0) {}

  /** A proxy listening on a free loopback port. */
  static async to(target: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await proxy.restore();
    return proxy;
  }

  /** Listen again (on the same port once one was taken). */
  async restore(): Promise<void> {
    const server = createServer((inbound) => {
      const outbound = createConnection({ host: '127.0.0.1', port: this.target });
      for (const socket of [inbound, outbound]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      inbound.pipe(outbound).pipe(inbound);
      inbound.on('close', () => outbound.destroy());
      outbound.on('close', () => inbound.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : this.port;
    this.server = server;
  }

  /** Drop every connection and stop listening: the client sees the server gone. */
  cut(): void {
    this.server?.close();
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
