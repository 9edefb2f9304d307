// `uw --fifo PATH CMDS`: write command bytes to a master's FIFO, for people
// who would rather not use `echo`. Opened non-blocking: a FIFO nobody reads
// fails at once (ENXIO) instead of hanging the shell, and anything at the path
// that is not a FIFO (a symlink, a file) is refused, never written to.
import { closeSync, constants, fstatSync, lstatSync, openSync, writeSync } from 'node:fs';

const { O_WRONLY, O_NONBLOCK, O_NOFOLLOW, O_NOCTTY } = constants;
/** A master that leaves a full FIFO unread this long is not reading it. */
const FULL_PIPE_LIMIT_MS = 5_000;

/** What went wrong, in one line that names the path. */
export class FifoSendError extends Error {}

/** Write `commands` (already checked against the command table) to the FIFO at `path`; throws FifoSendError. */
export function sendFifoCommands(path: string, commands: string): void {
  const fd = openFifo(path);
  try {
    writeAll(fd, Buffer.from(commands, 'latin1'), path);
  } finally {
    closeSync(fd);
  }
}

function openFifo(path: string): number {
  // look before opening: opening a device or a file can have effects of its own
  let kind: string;
  try {
    const stats = lstatSync(path);
    kind = stats.isFIFO() ? 'fifo' : stats.isSymbolicLink() ? 'a symbolic link' : stats.isDirectory() ? 'a directory' : stats.isFile() ? 'a regular file' : 'not a FIFO';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FifoSendError(code === 'ENOENT' ? `no FIFO at ${path} (is a master running with master-fifo = ${path}?)` : `cannot look at ${path}: ${code ?? String(err)}`);
  }
  if (kind !== 'fifo') throw new FifoSendError(`${path} is ${kind}, not a FIFO: not writing to it`);
  let fd: number;
  try {
    fd = openSync(path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FifoSendError(code === 'ENXIO' ? `no master reads ${path}` : `cannot open ${path}: ${code ?? String(err)}`);
  }
  if (!fstatSync(fd).isFIFO()) {
    closeSync(fd);
    throw new FifoSendError(`${path} was replaced by something that is not a FIFO: not writing to it`);
  }
  return fd;
}

/** Write every byte; a full pipe (a busy master) is waited for, up to a limit. */
function writeAll(fd: number, bytes: Buffer, path: string): void {
  const deadline = Date.now() + FULL_PIPE_LIMIT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let offset = 0; offset < bytes.length; ) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') throw new FifoSendError(`the master stopped reading ${path}`);
      if (code !== 'EAGAIN' || Date.now() > deadline) throw new FifoSendError(`cannot write to ${path}: ${code ?? String(err)}`);
      Atomics.wait(pause, 0, 0, 10);
    }
  }
}
