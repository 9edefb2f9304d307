// Pidfiles: written atomically (temp file + rename, mode 0644) so a reader never
// sees a half-written PID; read back strictly for --reload/--stop.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UwError } from '../errors.js';

/** Write `pid` to `path` atomically. */
export function writePidfile(path: string, pid: number = process.pid): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, `${pid}\n`, { mode: 0o644, flag: 'w' });
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw new UwError('UW_PIDFILE', `cannot write pidfile: ${(err as Error).message}`, { file: path });
  }
}

/** The PID in `path`; a clear error when the file is missing or holds no PID. */
export function readPidfile(path: string): number {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UwError('UW_PIDFILE', `cannot read pidfile: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file: path });
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 1) {
    throw new UwError('UW_PIDFILE', `expected a PID, found ${JSON.stringify(text.trim().slice(0, 40))}`, { file: path });
  }
  return pid;
}

/** Remove a pidfile only if it still names `pid` (another instance may own it now). */
export function removePidfile(path: string, pid: number = process.pid): void {
  try {
    if (readPidfile(path) === pid) rmSync(path, { force: true });
  } catch {
    // already gone or replaced: nothing of ours to remove
  }
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
