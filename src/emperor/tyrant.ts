// Tyrant mode: each vassal's master runs as the owner of its file (uid and gid
// of the file, the owner's supplementary groups through initgroups), so whoever
// may write a vassal file gets a master with their rights and no more. Pure:
// the decision from the file's owner, the spawn does the switch (setpriv).
//
// As uWSGI's --emperor-tyrant does, a file owned by uid 0 or group 0 is refused:
// a master as root (or in root's group) is not something a file can ask for by
// accident; `tyrant-allow-root` lets root's own files run as root. A symlinked
// vassal file runs as its target's owner, if root or that owner made the link.
import type { Fingerprint } from './fingerprint.js';

/** The ids a master is started with, or why it is not started. */
export type TyrantDecision =
  | { readonly ok: true; readonly uid: number; readonly gid: number }
  | { readonly ok: false; readonly reason: string };

/** What the vassal file's owner allows: the ids to run as, or the one line why not. */
export function tyrantIds(owner: Pick<Fingerprint, 'uid' | 'gid' | 'linkUid'>, allowRoot: boolean): TyrantDecision {
  const { uid, gid, linkUid } = owner;
  if (uid === undefined || gid === undefined) return { ok: false, reason: 'the owner of the vassal file is unknown' };
  // a link root made is root's choice; a user's link to someone else's file would run it as them, with their rights
  if (linkUid !== undefined && linkUid !== 0 && linkUid !== uid) {
    return { ok: false, reason: `the vassal file is a symlink of uid ${linkUid} to a file of uid ${uid}: tyrant mode follows only links made by root or by the file's owner` };
  }
  if ((uid === 0 || gid === 0) && !allowRoot) {
    return { ok: false, reason: `the vassal file is owned by uid ${uid} gid ${gid}: tyrant mode does not start a master as root or in group 0 (chown the file to the app's user, or set tyrant-allow-root)` };
  }
  return { ok: true, uid, gid };
}

/** True when a master started for `known` would run as someone else for `observed`: it must be stopped and started again. */
export function ownerChanged(known: Fingerprint | null | undefined, observed: Fingerprint | null): boolean {
  if (known == null || observed === null) return false;
  return known.uid !== observed.uid || known.gid !== observed.gid;
}
