// Listening-but-never-accepting sockets, through Node's libuv wrappers.
//
// net.Server.listen() binds, listens AND accepts: a master using it would take
// connections away from its workers. Here the master binds and calls listen(2)
// itself, so the address is reserved (a second master gets EADDRINUSE) and
// clients wait in the backlog until a worker accepts, but libuv never polls the
// socket: listen() queues the fd for polling, and readStop() takes it off the
// queue in the same tick, before the event loop hands it to epoll even once.
// readStop() only does that on a handle libuv calls readable, which open(fd)
// sets (libuv lets a handle re-open its own fd). No process is spawned for it.

import { linkSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { getSystemErrorName } from 'node:util';
import { constants as os } from 'node:os';
import { randomHex } from '../process/random-hex.js';

const EADDRINUSE = -os.errno.EADDRINUSE;

interface UvHandle {
  readonly fd: number;
  open(fd: number): number;
  listen(backlog: number): number;
  readStart(): number;
  readStop(): number;
  setBlocking(blocking: boolean): number;
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

// process.binding is the only way to listen without accepting; the two wrappers used
// here are on Node's allow-list and have been stable since Node 0.x.
const binding = (name: string): unknown => (process as unknown as { binding(name: string): unknown }).binding(name);
const tcpWrap = (): TcpWrap => binding('tcp_wrap') as TcpWrap;
const pipeWrap = (): PipeWrap => binding('pipe_wrap') as PipeWrap;

/** A listening socket the master holds: its fd is what workers inherit. */
export interface RawSocket {
  readonly fd: number;
  /** the port actually bound (differs from the requested one for port 0) */
  readonly port?: number;
  /** the libuv handle, sent to the emperor, which keeps a copy across a crash (see master/kept-sockets.ts) */
  readonly handle?: object;
  /** blocking for exec workers (as systemd hands sockets over); module workers set non-blocking themselves */
  setBlocking(blocking: boolean): void;
  close(): Promise<void>;
}

/** errno name for a libuv error number (e.g. -98 → EADDRINUSE). */
export class BindError extends Error {
  constructor(readonly errno: string) {
    super(errno);
  }
}

/** listen(2) without ever polling; closes the handle and throws on failure. */
function listenQuietly(handle: UvHandle, backlog: number): void {
  const err = handle.open(handle.fd) || handle.listen(backlog) || handle.readStart() || handle.readStop();
  if (err !== 0) {
    handle.close();
    throw new BindError(getSystemErrorName(err));
  }
}

function wrap(handle: UvHandle, port?: number): RawSocket {
  return {
    fd: handle.fd,
    handle,
    ...(port !== undefined && { port }),
    setBlocking: (blocking) => {
      const err = handle.setBlocking(blocking);
      if (err !== 0) throw new BindError(getSystemErrorName(err));
    },
    close: () => new Promise((resolve) => handle.close(() => resolve())),
  };
}

/**
 * Take over a listening socket another process bound (the emperor's kept copy,
 * a libuv handle Node's IPC made): listen(2) again with this config's backlog,
 * never polled. Throws BindError.
 */
export function adoptListening(handle: object, backlog: number): RawSocket & { readonly address?: string } {
  const uv = handle as Partial<TcpHandle>;
  if (typeof uv.open !== 'function' || typeof uv.listen !== 'function' || typeof uv.fd !== 'number') throw new BindError('EBADF');
  listenQuietly(uv as UvHandle, backlog);
  if (typeof uv.getsockname !== 'function') return wrap(uv as UvHandle);
  const bound: { address?: string; port?: number } = {};
  uv.getsockname(bound);
  return { ...wrap(uv as UvHandle, bound.port), ...(bound.address !== undefined && { address: bound.address }) };
}

/** Bind a TCP socket to an IP literal and listen; throws BindError(EADDRINUSE, ...). */
export function bindTcp(ip: string, port: number, family: 4 | 6, backlog: number): RawSocket {
  const { TCP, constants } = tcpWrap();
  const handle = new TCP(constants.SERVER);
  const err = family === 6 ? handle.bind6(ip, port, 0) : handle.bind(ip, port);
  if (err !== 0) {
    handle.close();
    throw new BindError(getSystemErrorName(err));
  }
  // libuv defers a bind's EADDRINUSE to listen(), which reports it
  listenQuietly(handle, backlog);
  const bound: { port?: number } = {};
  handle.getsockname(bound);
  return wrap(handle, bound.port);
}

/**
 * Bind a UNIX stream socket at `path` (which must not exist) and listen. The
 * socket is bound at a random temporary name in the same directory and linked
 * into place once listening: libuv unlinks the name it bound when the handle
 * closes, and that must never be `path`, where by then someone else's file may
 * be. With `mode`, the umask is set around the synchronous bind so that the
 * socket is created with that mode: nothing is chmod'ed by path afterwards.
 */
export function bindUnix(path: string, backlog: number, mode?: number): RawSocket {
  const { Pipe, constants } = pipeWrap();
  const handle = new Pipe(constants.SERVER);
  // short (sun_path holds 107 bytes): a clash with an existing name is EADDRINUSE, and another name is tried
  let temp = '';
  let err = 0;
  const umask = mode === undefined ? undefined : process.umask(0o777 & ~mode);
  try {
    for (let attempt = 0; attempt < 5 && (attempt === 0 || err === EADDRINUSE); attempt += 1) {
      temp = join(dirname(path), `.${randomHex(3)}`);
      err = handle.bind(temp);
    }
  } finally {
    if (umask !== undefined) process.umask(umask);
  }
  if (err !== 0) {
    handle.close();
    throw new BindError(getSystemErrorName(err));
  }
  listenQuietly(handle, backlog);
  try {
    linkSync(temp, path); // never replaces: EEXIST if anything appeared at the path
  } catch (linkErr) {
    handle.close();
    const code = (linkErr as NodeJS.ErrnoException).code ?? String(linkErr);
    throw new BindError(code === 'EEXIST' ? 'EADDRINUSE' : code);
  } finally {
    rmSync(temp, { force: true });
  }
  return wrap(handle);
}
