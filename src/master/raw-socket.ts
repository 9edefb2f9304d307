// Bound-but-not-accepting sockets, through Node's libuv wrappers.
//
// net.Server.listen() binds, listens AND accepts: a master using it would take
// connections away from its workers. These wrappers bind only; the kernel-level
// listen(2) is done by the workers (module) or by a throwaway helper (exec).

import { getSystemErrorName } from 'node:util';

interface UvHandle {
  readonly fd: number;
  close(callback?: () => void): void;
}
interface TcpHandle extends UvHandle {
  bind(host: string, port: number): number;
  bind6(host: string, port: number, flags: number): number;
  getsockname(out: { address?: string; port?: number }): number;
}
interface PipeHandle extends UvHandle {
  bind(path: string): number;
}
interface TcpWrap {
  TCP: new (type: number) => TcpHandle;
  constants: { SERVER: number };
}
interface PipeWrap {
  Pipe: new (type: number) => PipeHandle;
  constants: { SERVER: number };
}

// process.binding is the only way to bind without accepting; the two wrappers used
// here are on Node's allow-list and have been stable since Node 0.x.
const binding = (name: string): unknown => (process as unknown as { binding(name: string): unknown }).binding(name);
const tcpWrap = (): TcpWrap => binding('tcp_wrap') as TcpWrap;
const pipeWrap = (): PipeWrap => binding('pipe_wrap') as PipeWrap;

/** A bound socket the master holds: its fd is what workers inherit. */
export interface RawSocket {
  readonly fd: number;
  /** the port actually bound (differs from the requested one for port 0) */
  readonly port?: number;
  close(): Promise<void>;
}

/** errno name for a libuv error number (e.g. -98 → EADDRINUSE). */
export class BindError extends Error {
  constructor(readonly errno: string) {
    super(errno);
  }
}

function closer(handle: UvHandle): () => Promise<void> {
  return () => new Promise((resolve) => handle.close(() => resolve()));
}

/** Bind a TCP socket to an IP literal; throws BindError(EADDRINUSE, ...). */
export function bindTcp(ip: string, port: number, family: 4 | 6): RawSocket {
  const { TCP, constants } = tcpWrap();
  const handle = new TCP(constants.SERVER);
  const err = family === 6 ? handle.bind6(ip, port, 0) : handle.bind(ip, port);
  if (err !== 0) {
    handle.close();
    throw new BindError(getSystemErrorName(err));
  }
  const bound: { port?: number } = {};
  handle.getsockname(bound);
  // libuv defers EADDRINUSE to listen(); an unbound socket reports port 0
  if (port !== 0 && bound.port !== port) {
    handle.close();
    throw new BindError('EADDRINUSE');
  }
  return { fd: handle.fd, ...(bound.port !== undefined && { port: bound.port }), close: closer(handle) };
}

/** Bind a UNIX stream socket at `path` (which must not exist). */
export function bindUnix(path: string): RawSocket {
  const { Pipe, constants } = pipeWrap();
  const handle = new Pipe(constants.SERVER);
  const err = handle.bind(path);
  if (err !== 0) {
    handle.close();
    throw new BindError(getSystemErrorName(err));
  }
  return { fd: handle.fd, close: closer(handle) };
}
