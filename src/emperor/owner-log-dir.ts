// vassal-logto-dir in tyrant mode: each file owner logs in a subdirectory of its
// own, DIR/<uid>/, made by the emperor (root) 0700 and given to the owner. In a
// directory shared by all owners one user could plant a file or a symlink at
// another vassal's log name and deny it its log (a master refuses a file that
// is not its own); in a subdirectory only its owner can create anything, and DIR
// itself need be writable by root alone. What is already at DIR/<uid> must be a
// directory (not a symlink) owned by that uid, or the owner gets no log there.
import { closeSync, constants, fchownSync, fstatSync, lstatSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';

/** Mode of a subdirectory the emperor makes for an owner. */
export const OWNER_LOG_DIR_MODE = 0o700;

/** DIR/<uid>, made and given to the owner if missing; throws an Error saying why it cannot be used. */
export function ownerLogDir(dir: string, owner: { readonly uid: number; readonly gid: number }): string {
  const path = join(dir, String(owner.uid));
  let made = false;
  try {
    mkdirSync(path, OWNER_LOG_DIR_MODE);
    made = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`vassal-logto-dir: cannot make ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let fd: number;
  try {
    // O_NOFOLLOW: a symlink planted at the name is refused (ELOOP), never followed; O_DIRECTORY: so is a file
    fd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (err) {
    throw new Error(`vassal-logto-dir: ${path} is ${whatIsAt(path, err as NodeJS.ErrnoException)}: not logging there`);
  }
  try {
    const stats = fstatSync(fd);
    // made just now by us (root): the descriptor is the very directory, whatever happened at the name since
    if (made && stats.uid === process.geteuid?.()) fchownSync(fd, owner.uid, owner.gid);
    else if (stats.uid !== owner.uid) throw new Error(`vassal-logto-dir: ${path} is owned by uid ${stats.uid}, not by uid ${owner.uid}: not logging there (remove it)`);
  } finally {
    closeSync(fd);
  }
  return path;
}

/** What made the open fail, in words: O_NOFOLLOW|O_DIRECTORY on a symlink fails with ENOTDIR, like a file. */
function whatIsAt(path: string, err: NodeJS.ErrnoException): string {
  if (err.code !== 'ELOOP' && err.code !== 'ENOTDIR') return `unusable (${err.code ?? String(err)})`;
  try {
    return lstatSync(path).isSymbolicLink() ? 'a symbolic link' : 'not a directory';
  } catch {
    return 'gone';
  }
}
