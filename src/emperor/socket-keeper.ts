// The emperor's copies of one vassal's listening sockets (as systemd's socket
// units and s6-fdholder keep them): the master sends each socket it binds over
// its IPC channel, and a master started after a crash gets them back, so
// clients wait in the backlog instead of being refused while no master runs.
//
// A copy is a bare libuv handle (Node's IPC "net.Native"): the emperor never
// listens or reads on it, so it never accepts a connection. Anything else a
// master might send (a net.Server, which Node would listen on here) is closed.
import type { KeptSocketInfo } from '../ipc/protocol.js';
import type { Logger } from '../log/logger.js';

/** More copies than any sane vassal has sockets: beyond this a master's handles are closed, not kept. */
const MAX_KEPT = 64;
const MAX_KEY = 512;

/** A listening descriptor as Node's IPC hands it over: a TCP or Pipe wrap. */
interface RawHandle {
  readonly fd: number;
  close(callback?: () => void): void;
}

/** Where kept sockets are sent: a ChildProcess's send. */
export type SendToMaster = (message: object, handle: RawHandle | undefined, callback: (err: Error | null) => void) => boolean;

function isRawHandle(handle: unknown): handle is RawHandle {
  if (typeof handle !== 'object' || handle === null) return false;
  const name = handle.constructor.name;
  return (name === 'TCP' || name === 'Pipe') && typeof (handle as RawHandle).fd === 'number' && typeof (handle as RawHandle).close === 'function';
}

/** Close whatever a master sent that is not kept (a net.Server or Socket Node made for it, or a surplus handle). */
export function discard(handle: unknown): void {
  const object = handle as { close?: () => void; destroy?: () => void } | null;
  if (typeof object?.destroy === 'function') object.destroy();
  else if (typeof object?.close === 'function') object.close();
}

interface Kept {
  readonly info: KeptSocketInfo;
  readonly handle: RawHandle;
}

/** One vassal's kept sockets, by key. */
export class SocketKeeper {
  private readonly kept = new Map<string, Kept>();

  constructor(private readonly log: Logger) {}

  get size(): number {
    return this.kept.size;
  }

  /** Keep a copy of a socket the master bound; a copy under the same key is replaced (the master bound it again). */
  keep(info: KeptSocketInfo, handle: unknown): void {
    const valid = typeof info.key === 'string' && info.key.length <= MAX_KEY && isRawHandle(handle);
    if (!valid || (this.kept.size >= MAX_KEPT && !this.kept.has(info.key))) {
      this.log.warn({ key: String(info.key).slice(0, 80), handle: handle === undefined ? 'none' : valid ? 'surplus' : 'not a raw socket' }, 'socket copy refused');
      discard(handle);
      return;
    }
    this.drop(info.key);
    const file = info.file !== undefined && Number.isSafeInteger(info.file.dev) && Number.isSafeInteger(info.file.ino) ? { dev: info.file.dev, ino: info.file.ino } : undefined;
    this.kept.set(info.key, { info: { key: info.key, ...(file !== undefined && { file }) }, handle });
    this.log.debug({ key: info.key }, 'socket copy kept');
  }

  /** The master serves exactly these now: the copies of the others are released (their ports are free again). */
  keepOnly(keys: readonly string[]): void {
    if (!Array.isArray(keys)) return;
    const wanted = new Set(keys);
    for (const key of [...this.kept.keys()]) {
      if (!wanted.has(key)) {
        this.drop(key);
        this.log.info({ key }, 'socket copy released');
      }
    }
  }

  /** The vassal stops, breaks or its file changed while no master runs: nothing is kept for a next master. */
  releaseAll(why: string): void {
    if (this.kept.size === 0) return;
    this.log.info({ sockets: [...this.kept.keys()], why }, 'socket copies released');
    for (const key of [...this.kept.keys()]) this.drop(key);
  }

  /** Answer a starting master's request: the keys, then one message per copy with its handle (ours stays open). */
  giveTo(send: SendToMaster): void {
    const ignore = (err: Error | null): void => {
      if (err !== null) this.log.debug({ err }, 'socket copies not given: the master is gone');
    };
    try {
      send({ type: 'kept-sockets', keys: [...this.kept.keys()] }, undefined, ignore);
      for (const { info, handle } of this.kept.values()) send({ type: 'kept-socket', ...info }, handle, ignore);
    } catch (err) {
      // a channel that closed meanwhile: the master is gone, its exit is handled elsewhere
      ignore(err as Error);
    }
  }

  private drop(key: string): void {
    const kept = this.kept.get(key);
    if (kept === undefined) return;
    this.kept.delete(key);
    kept.handle.close();
  }
}
