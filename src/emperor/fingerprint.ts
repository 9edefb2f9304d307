// What identifies one version of a vassal file: inode, size and mtime to the
// nanosecond. Any difference counts as a change, so a backwards mtime (a
// restored file, `rsync -t`) and two edits in the same second both reload.
import { stat } from 'node:fs/promises';

/** One version of a file, from stat with nanosecond times. */
export interface Fingerprint {
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
}

/** True when both describe the same version of the file (both absent counts as same). */
export function sameFingerprint(a: Fingerprint | null, b: Fingerprint | null): boolean {
  if (a === null || b === null) return a === b;
  return a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

/** Stat a vassal file; null when it is gone or is not a regular file. */
export async function readFingerprint(path: string): Promise<Fingerprint | null> {
  try {
    const stats = await stat(path, { bigint: true });
    if (!stats.isFile()) return null;
    return { ino: stats.ino, size: stats.size, mtimeNs: stats.mtimeNs };
  } catch {
    // ENOENT, EACCES, ENOTDIR: for the emperor the vassal file is not there
    return null;
  }
}
