// Whom a tyrant master runs as, from the system's account databases: the file
// owner's passwd entry (its name, primary group, home and shell) and the rule
// for its gid. A file's group is not always the owner's choice: in a setgid
// directory a new file takes the directory's group. So the file's group is used
// only when the owner belongs to it (its primary group, or a member in the group
// database); otherwise the master runs in the owner's primary group. That group
// may be 0 even when the file's is not: refused like a file of group 0 unless
// tyrant-allow-root. Pure: the lookups are given.

/** One entry of passwd or group as `getent DATABASE KEY` prints it, or undefined when there is none. */
export type AccountLookup = (database: 'passwd' | 'group', key: string) => string | undefined;

/** The owner's account, as a tyrant master needs it. */
export interface OwnerAccount {
  readonly name: string;
  readonly uid: number;
  /** the gid the master runs with (see the rule above) */
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
}

/** The account for the file owner `uid` and the file group `gid`, or the one line why there is none. */
export function ownerAccount(ids: { readonly uid: number; readonly gid: number }, lookup: AccountLookup, allowRoot = false): OwnerAccount | { readonly reason: string } {
  const fields = lookup('passwd', String(ids.uid))?.split(':');
  const [name, , uid, primary, , home, shell] = fields ?? [];
  if (name === undefined || name === '' || uid !== String(ids.uid) || primary === undefined || !/^\d+$/.test(primary)) {
    return { reason: `the vassal file's owner uid ${ids.uid} has no passwd entry (getent passwd ${ids.uid}): tyrant mode needs the owner's account for its groups and home` };
  }
  const gid = masterGid(ids.gid, name, Number(primary), lookup);
  if (gid === 0 && !allowRoot) {
    return { reason: `the vassal file's owner ${name} (uid ${ids.uid}) has group 0 as its primary group: tyrant mode does not start a master in group 0 (give the account another primary group, or set tyrant-allow-root)` };
  }
  return { name, uid: ids.uid, gid, home: home || '/', shell: shell || '/bin/sh' };
}

/** The file's group if the owner belongs to it, else the owner's primary group. */
function masterGid(fileGid: number, name: string, primary: number, lookup: AccountLookup): number {
  if (fileGid === primary) return fileGid;
  const members = lookup('group', String(fileGid))?.split(':');
  const belongs = members?.[2] === String(fileGid) && (members[3] ?? '').split(',').includes(name);
  return belongs ? fileGid : primary;
}
