// One client connection of the load generator: raw HTTP/1.1 over net.Socket,
// with just enough parsing to know when a response is complete (Content-Length,
// chunked, or close-delimited) and whether the server asked to close.
import { connect, type Socket } from 'node:net';
import type { ConnectionMode } from './load-types.js';

/** "ok" for a complete 200; otherwise the kind of failure (ECONNRESET, timeout, status-503, ...). */
export type Outcome = string;

export class HttpConnection {
  private socket: Socket | null = null;
  private buffer: Buffer = Buffer.alloc(0);
  private headerEnd = -1;
  private expected = -1;
  private chunked = false;
  private closeAfter = false;
  private status = 0;
  private pending: ((outcome: Outcome) => void) | null = null;
  private readonly requestBytes: Buffer;

  constructor(private readonly port: number, private readonly mode: ConnectionMode, private readonly timeoutMs: number) {
    const close = mode === 'new-connection' ? 'Connection: close\r\n' : '';
    this.requestBytes = Buffer.from(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${close}\r\n`, 'latin1');
  }

  /** Send one GET / and wait for the whole response (or a failure, or the timeout). */
  request(): Promise<Outcome> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.fail(this.socket, 'timeout'), this.timeoutMs);
      this.pending = (outcome) => {
        clearTimeout(timer);
        this.pending = null;
        resolve(outcome);
      };
      this.buffer = Buffer.alloc(0);
      this.headerEnd = -1;
      const socket = this.socket ?? this.open();
      socket.write(this.requestBytes);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private open(): Socket {
    const socket = connect({ host: '127.0.0.1', port: this.port });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => this.fail(socket, err.code ?? 'socket-error'));
    socket.on('close', () => this.fail(socket, 'closed-early'));
    this.socket = socket;
    return socket;
  }

  private onData(socket: Socket, chunk: Buffer): void {
    if (socket !== this.socket || this.pending === null) return;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    if (this.headerEnd < 0 && !this.parseHead()) return;
    const body = this.buffer.length - this.headerEnd;
    const complete = this.chunked ? this.buffer.subarray(-5).toString('latin1') === '0\r\n\r\n' : this.expected >= 0 && body >= this.expected;
    if (complete) this.complete(socket);
  }

  /** False until the whole header block arrived. */
  private parseHead(): boolean {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return false;
    const head = this.buffer.toString('latin1', 0, end);
    this.headerEnd = end + 4;
    this.status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    this.expected = length ? Number(length[1]) : -1;
    this.chunked = /\r\ntransfer-encoding:\s*chunked/i.test(head);
    this.closeAfter = /\r\nconnection:\s*close/i.test(head);
    return true;
  }

  private complete(socket: Socket): void {
    if (this.closeAfter || this.mode === 'new-connection') {
      this.socket = null;
      socket.destroy();
    }
    this.pending?.(this.status === 200 ? 'ok' : `status-${this.status}`);
  }

  private fail(socket: Socket | null, kind: string): void {
    if (socket === null || socket !== this.socket) return;
    // a close-delimited body ends with the close
    if (kind === 'closed-early' && this.headerEnd >= 0 && this.expected < 0 && !this.chunked) return this.complete(socket);
    this.socket = null;
    socket.destroy();
    this.pending?.(kind);
  }
}
