// Opening a log file a master named, safely: `uwemperor logs` often runs as
// root, while a tyrant's master runs as the vassal file's owner and names its
// own log file. A file is read only when it is a regular file (no symbolic
// link at the name, no FIFO to hang on) owned by the user a master reporting
// it runs as (read from /proc, not from what the master says of itself).
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { LogsUnavailableError } from './logs-sources.js';

/** Who may own a file, and the vassals to name when it is refused. */
export interface LogOwners {
  readonly uids: ReadonlySet<number>;
  readonly vassals: readonly string[];
}

/** The effective uid `pid` runs as (the `Uid:` line of /proc/PID/status), undefined when it is gone. */
export function processUid(pid: number, read: (path: string) => string = (path) => readFileSync(path, 'utf8')): number | undefined {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  try {
    const line = /^Uid:\s+(\d+)\s+(\d+)/m.exec(read(`/proc/${pid}/status`));
    return line === null ? undefined : Number(line[2]);
  } catch {
    return undefined;
  }
}

/** A descriptor of `path` opened read-only; throws ENOENT as is, and LogsUnavailableError for a file it must not read. */
export function openLogFile(path: string, owners: LogOwners): number {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    if (code === 'ENOENT') throw err;
    if (code === 'ELOOP') throw refused(path, owners, 'it is a symbolic link');
    const why = code === 'EACCES' ? 'permission denied (run as the emperor\'s user, or root)' : code;
    throw new LogsUnavailableError(`cannot read ${shown(path)}: ${why}`);
  }
  const stats = fstatSync(fd);
  const why = !stats.isFile() ? 'it is not a regular file' : !owners.uids.has(stats.uid) ? `it is owned by uid ${stats.uid}, not by the user its master runs as` : null;
  if (why !== null) {
    closeSync(fd);
    throw refused(path, owners, why);
  }
  return fd;
}

function refused(path: string, owners: LogOwners, why: string): LogsUnavailableError {
  return new LogsUnavailableError(`${owners.vassals.join(', ')}: refusing to read the log file ${shown(path)}: ${why}`);
}

/** A path as printed: control characters made visible (a master chose it). */
function shown(path: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return path.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
