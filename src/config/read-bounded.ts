// Read a config file without trusting it: only a regular file (a FIFO would
// block the reader forever, /dev/zero never ends), and at most a limit, read
// in one bounded buffer so a 100 MB file is refused without being loaded.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** Far above any real vassal file (uWSGI's own examples are a few KiB). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** The errno-style code a refused file carries, mapped to a reason by read-config-file. */
export type RefusedCode = 'EFBIG' | 'ENOTREG' | 'EISDIR' | 'ENOTOWNER';

/**
 * The text of a regular file of at most `maxBytes` (and, with `owner`, owned by
 * that uid: checked on the descriptor read, so a file swapped in after another
 * process looked at the path is caught); throws an error with `code` otherwise.
 */
export async function readBounded(path: string, maxBytes = MAX_CONFIG_BYTES, owner?: number): Promise<string> {
  // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw refused(info.isDirectory() ? 'EISDIR' : 'ENOTREG', path);
    if (owner !== undefined && info.uid !== owner) throw refused('ENOTOWNER', path);
    if (info.size > maxBytes) throw refused('EFBIG', path);
    const text = await readOpenBounded(handle, info.size, maxBytes);
    if (text === null) throw refused('EFBIG', path);
    return text;
  } finally {
    await handle.close();
  }
}

/** The text of an open file to its end; null when it is longer than `maxBytes` (it grew after the stat that gave `size`). */
export async function readOpenBounded(handle: FileHandle, size: number, maxBytes: number): Promise<string | null> {
  // the size can grow after the stat (and /proc says 0): read up to one byte past the limit to tell
  let buffer = Buffer.allocUnsafe(Math.min(size, maxBytes) + 1);
  let filled = 0;
  for (let bytesRead = -1; bytesRead !== 0 && filled <= maxBytes; filled += bytesRead) {
    if (filled === buffer.length) buffer = Buffer.concat([buffer, Buffer.allocUnsafe(Math.min(buffer.length, maxBytes + 1 - buffer.length))]);
    ({ bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null));
  }
  return filled > maxBytes ? null : buffer.toString('utf8', 0, filled);
}

function refused(code: RefusedCode, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${path}`), { code });
}
