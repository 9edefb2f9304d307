// Opening a log file the way a master running as root must: appended to,
// created 0640, never through a symlink planted at its name (O_NOFOLLOW on the
// last component), and only if it is a regular file. With `as`, the open is
// done under the workers' user and group (logto2): the kernel then checks that
// user's rights, and a file it creates is that user's. A file that exists and
// belongs to another user is refused: it is theirs to read, not our log.
import { closeSync, constants, fstatSync, lstatSync, openSync } from 'node:fs';
import { foreignOwner } from '../process/path-owner.js';

const { O_WRONLY, O_APPEND, O_CREAT, O_NOFOLLOW, O_NOCTTY, O_NONBLOCK } = constants;

/** Mode of a log file we create (the umask may take more away). */
export const LOG_FILE_MODE = 0o640;

/** The ids a logto2 file is opened with. */
export interface OpenAs {
  readonly uid: number;
  readonly gid: number;
}

/** Open `path` for appending; throws the system error (ELOOP for a symlink), EINVAL for a non-regular file, EPERM for another user's. */
export function openLogFile(path: string, as?: OpenAs): number {
  const fd = as === undefined ? openAppend(path) : asUser(as, () => openAppend(path));
  const stats = fstatSync(fd);
  if (!stats.isFile()) {
    closeSync(fd);
    throw Object.assign(new Error(`${path} is not a regular file`), { code: 'EINVAL' });
  }
  const foreign = foreignOwner(path, stats.uid, as?.uid ?? process.geteuid?.());
  if (foreign !== null) {
    closeSync(fd);
    throw Object.assign(new Error(foreign), { code: 'EPERM' });
  }
  return fd;
}

function openAppend(path: string): number {
  try {
    // O_NONBLOCK: a FIFO planted at the name must not hang the master in open(); it is refused just after
    return openSync(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, LOG_FILE_MODE);
  } catch (err) {
    // in a sticky directory (/tmp) the kernel refuses another user's symlink with EACCES: say what it is
    if ((err as NodeJS.ErrnoException).code === 'EACCES' && isSymlink(path)) throw Object.assign(new Error(`${path} is a symbolic link`), { code: 'ELOOP' });
    throw err;
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Run `open` with the effective ids of `as` (root only), then take root's back.
 * Synchronous on purpose: nothing else of ours runs between the two changes.
 */
function asUser<T>(as: OpenAs, open: () => T): T {
  const groups = process.getgroups?.() ?? [];
  process.setgroups?.([as.gid]);
  process.setegid?.(as.gid);
  process.seteuid?.(as.uid);
  try {
    return open();
  } finally {
    process.seteuid?.(0);
    process.setegid?.(0);
    process.setgroups?.(groups);
  }
}
