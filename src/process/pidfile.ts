// Pidfiles: one process per pidfile, held with flock(2) for the life of the
// process; the content is replaced atomically (a reader never sees a half-written
// PID); nothing is ever opened, written or removed through a symlink.
//
// Node has no flock(): util-linux's flock(1) locks a descriptor it inherits. A
// flock belongs to the open file description, which we keep open, so the lock
// stays held after the helper exits and is released when this process dies, even
// by SIGKILL. Our descriptors are close-on-exec: children do not inherit the lock.
//
// The lock is on the pidfile's inode, and a rename gives the path a new inode, so
// the new content is written to a temporary file (random name, O_EXCL|O_NOFOLLOW)
// that is locked BEFORE it is renamed over the locked old one: at every moment
// the file at the path is locked by its owner. A contender locks what it opened,
// then checks it is still the file at the path, and starts over if not.
import { closeSync, constants, fstatSync, linkSync, lstatSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UwError } from '../errors.js';
import { foreignOwner } from './path-owner.js';
import { randomHex } from './random-hex.js';
import { runHelperSync } from './spawn.js';

const FLOCK_CANDIDATES = ['/usr/bin/flock', '/bin/flock'];
const FLOCK_BUSY = 100;
const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_NOCTTY } = constants;

/** Pidfiles this process holds: path → the open, locked descriptor of the file it wrote. */
const held = new Map<string, number>();

/** Write `pid` to `path` and hold it; a pidfile another live process holds is refused (UW_PIDFILE_LOCKED). */
export function writePidfile(path: string, pid: number = process.pid): void {
  if (held.has(path)) return;
  held.set(path, takeOver(path, pid, undefined));
}

/** Write our pidfile again (master FIFO `P`): atomically, whether it is still ours, was removed or replaced. */
export function rewritePidfile(path: string, pid: number = process.pid): void {
  const old = held.get(path);
  const fd = takeOver(path, pid, old);
  held.set(path, fd);
  // the old file left the path: its lock goes with it
  if (old !== undefined) closeSync(old);
}

/** The locked descriptor of the file now at `path`; `ours` is the one we hold there already, whose lock we do not contend. */
function takeOver(path: string, pid: number, ours: number | undefined): number {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const fd = tryTakeOver(path, pid, ours);
    if (fd !== null) return fd;
  }
  throw new UwError('UW_PIDFILE', 'cannot take the pidfile: it keeps being replaced', { file: path });
}

/** One attempt: the locked descriptor of the new pidfile, or null when the path changed under us. */
function tryTakeOver(path: string, pid: number, ours: number | undefined): number | null {
  const temp = join(dirname(path), `.${basename(path)}.${randomHex(6)}.tmp`);
  let fd: number;
  try {
    fd = openSync(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY, 0o644);
    writeSync(fd, `${pid}\n`);
  } catch (err) {
    rmSync(temp, { force: true });
    throw new UwError('UW_PIDFILE', `cannot write pidfile: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file: path });
  }
  let kept = false;
  try {
    if (!lock(fd, path)) throw new UwError('UW_PIDFILE', 'cannot lock the new pidfile (someone else locked it)', { file: path });
    kept = replace(path, temp, ours);
    return kept ? fd : null;
  } finally {
    rmSync(temp, { force: true });
    if (!kept) closeSync(fd);
  }
}

/** Put `temp` at `path` unless a live owner holds `path`; false when `path` changed meanwhile. */
function replace(path: string, temp: string, ours: number | undefined): boolean {
  const existing = openExisting(path);
  if (existing === null) {
    try {
      linkSync(temp, path); // fails if anything appeared at the path meanwhile
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw new UwError('UW_PIDFILE', `cannot write pidfile: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { file: path });
    }
  }
  try {
    if (!(ours !== undefined && sameInode(existing, ours)) && !lock(existing, path)) {
      // flock needs only read access: anyone who can read a 0644 pidfile can hold its lock.
      // Only a live writer counts; a lock on a file whose writer is gone is replaced, not obeyed
      const owner = pidIn(existing);
      if (owner === null || isRunning(owner)) {
        throw new UwError('UW_PIDFILE_LOCKED', `held by ${owner === null ? 'another process' : `PID ${owner}`}: another instance is running on this pidfile`, { file: path });
      }
    }
    if (!sameFile(existing, path)) return false;
    renameSync(temp, path);
    return true;
  } finally {
    closeSync(existing);
  }
}

/** The file at `path`, opened without following a symlink or blocking on a FIFO; null if none. */
function openExisting(path: string): number | null {
  let fd: number;
  try {
    fd = openSync(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') throw new UwError('UW_PATH_NOT_OURS', 'is a symbolic link: not following it (remove it if it is stale)', { file: path });
    throw new UwError('UW_PIDFILE', `cannot open pidfile: ${code ?? String(err)}`, { file: path });
  }
  const stats = fstatSync(fd);
  if (!stats.isFile()) {
    closeSync(fd);
    throw new UwError('UW_PATH_NOT_OURS', 'is not a regular file: not replacing it', { file: path });
  }
  const foreign = foreignOwner(path, stats.uid);
  if (foreign !== null) {
    closeSync(fd);
    throw new UwError('UW_PATH_NOT_OURS', foreign, { file: path });
  }
  return fd;
}

function sameInode(a: number, b: number): boolean {
  const [x, y] = [fstatSync(a), fstatSync(b)];
  return x.dev === y.dev && x.ino === y.ino;
}

function sameFile(fd: number, path: string): boolean {
  try {
    const open = fstatSync(fd);
    const now = lstatSync(path);
    return open.dev === now.dev && open.ino === now.ino;
  } catch {
    return false;
  }
}

/** flock(LOCK_EX|LOCK_NB) on `fd` through flock(1); false if another holder has it. */
function lock(fd: number, path: string): boolean {
  const flock = FLOCK_CANDIDATES.find((candidate) => {
    try {
      return lstatSync(candidate).isFile();
    } catch {
      return false;
    }
  });
  if (flock === undefined) throw new UwError('UW_PIDFILE', 'cannot lock the pidfile: flock(1) from util-linux is not installed', { file: path });
  const result = runHelperSync(flock, ['--exclusive', '--nonblock', '--conflict-exit-code', String(FLOCK_BUSY), '3'], ['ignore', 'ignore', 'pipe', fd], 10_000);
  if (result.status === 0) return true;
  if (result.status === FLOCK_BUSY) return false;
  const detail = (result.stderr || result.error?.message || `exit ${result.status}`).trim();
  throw new UwError('UW_PIDFILE', `cannot lock the pidfile: ${detail}`, { file: path });
}

/** The process exists (ours or another user's). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The PID written in an open pidfile, or null. */
function pidIn(fd: number): number | null {
  const buffer = Buffer.alloc(32);
  const text = buffer.toString('utf8', 0, readSync(fd, buffer, 0, buffer.length, 0)).trim();
  const pid = Number(text);
  return /^\d+$/.test(text) && pid > 1 ? pid : null;
}

/** The PID in `path`; a clear error when the file is missing or holds no PID. */
export function readPidfile(path: string): number {
  let fd: number | null;
  try {
    fd = openExisting(path);
  } catch (err) {
    if (err instanceof UwError) throw new UwError('UW_PIDFILE', `cannot read pidfile: it ${err.message}`, { file: path });
    throw err;
  }
  if (fd === null) throw new UwError('UW_PIDFILE', 'cannot read pidfile: ENOENT', { file: path });
  try {
    const pid = pidIn(fd);
    if (pid === null) throw new UwError('UW_PIDFILE', 'expected a PID, found something else', { file: path });
    return pid;
  } finally {
    closeSync(fd);
  }
}

/** Remove a pidfile this process holds, if the file at the path is still the one it wrote; release the lock. */
export function removePidfile(path: string): void {
  const fd = held.get(path);
  if (fd === undefined) return; // not ours: never remove it
  held.delete(path);
  if (sameFile(fd, path)) rmSync(path, { force: true });
  closeSync(fd);
}

/** Send `signal` to the process named in a pidfile (the --reload/--stop commands). */
export function signalPidfile(path: string, signal: NodeJS.Signals): number {
  const pid = readPidfile(path);
  try {
    process.kill(pid, signal);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ESRCH' ? `no process with PID ${pid} (stale pidfile?)` : `cannot signal PID ${pid}: ${code ?? String(err)}`;
    throw new UwError('UW_PIDFILE', why, { file: path });
  }
  return pid;
}
