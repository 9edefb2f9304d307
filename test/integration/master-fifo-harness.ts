// Shared by the master FIFO tests: a vassal file with master-fifo, raw writes
// to a FIFO (as `echo r > fifo` does, but non-blocking), and `uw --fifo`.
import { execFile } from 'node:child_process';
import { closeSync, constants, lstatSync, openSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { APPS, UW_BIN } from '../helpers/paths.js';
import type { TempDir } from '../helpers/temp-dir.js';

const run = promisify(execFile);
const { O_WRONLY, O_NONBLOCK } = constants;

/** A vassal file: one worker of slow.mjs on a free port, the given FIFO paths, and `extra` lines. */
export function fifoVassal(dir: TempDir, name: string, fifos: readonly string[], extra = ''): string {
  const lines = fifos.map((path) => `master-fifo = ${path}\n`).join('');
  return dir.write(name, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}slow.mjs\n${lines}${extra}`);
}

/** Write bytes to the FIFO in one write(2), as a shell's `echo` would. */
export function writeFifo(path: string, bytes: string | Uint8Array): void {
  const fd = openSync(path, O_WRONLY | O_NONBLOCK);
  try {
    writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  } finally {
    closeSync(fd);
  }
}

/** `uw --fifo ARGS...`: its exit code and stderr. */
export async function uwFifo(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(process.execPath, [UW_BIN, '--fifo', ...args]);
    return { code: 0, stderr };
  } catch (err) {
    const failed = err as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

/** What is at `path`: 'fifo 600', 'file', 'symlink', or null. */
export function kindAt(path: string): string | null {
  try {
    const stats = lstatSync(path);
    if (stats.isFIFO()) return `fifo ${(stats.mode & 0o777).toString(8)}`;
    return stats.isSymbolicLink() ? 'symlink' : stats.isFile() ? 'file' : 'other';
  } catch {
    return null;
  }
}
