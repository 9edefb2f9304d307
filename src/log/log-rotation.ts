// Size rotation (log-maxsize): FILE becomes FILE.1, FILE.1 becomes FILE.2, ...
// up to FILE.<backups>, the oldest overwritten. rename() moves a planted
// symlink itself, never its target, so this is safe in a hostile directory.
import { renameSync } from 'node:fs';

/** Shift the backups of `file` by one; a missing one is skipped. Throws other errors. */
export function shiftBackups(file: string, backups: number): void {
  for (let index = backups - 1; index >= 1; index -= 1) moveIfThere(`${file}.${index}`, `${file}.${index + 1}`);
  moveIfThere(file, `${file}.1`);
}

function moveIfThere(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
