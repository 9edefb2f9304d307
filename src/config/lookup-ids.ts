// uid/gid from a number or a name, through the system's databases (NSS, as
// `getent` answers: /etc/passwd, LDAP, systemd's dynamic users...). A user's
// entry also gives its primary group, the default gid.
import type { ConfigHost } from './host.js';

export type IdKind = 'user' | 'group';

/** For error messages: where a name was looked for. */
export const ID_DATABASE: Readonly<Record<IdKind, string>> = { user: 'no such user (getent passwd)', group: 'no such group (getent group)' };

/** (uid_t)-1 means "unchanged" to setuid, so it is not a valid id */
const MAX_ID = 2 ** 32 - 2;

/** A user as the system knows it; a bare number without an entry has no name or primary group. */
export interface UserIds {
  readonly uid: number;
  readonly gid?: number;
  readonly name?: string;
}

/** The user named or numbered by `text`, or undefined when there is no such user. */
export async function lookupUser(text: string, host: ConfigHost): Promise<UserIds | undefined> {
  const fields = await entryOf('passwd', text, host);
  if (fields !== undefined) return { uid: Number(fields[2]), gid: Number(fields[3]), name: fields[0] ?? text };
  return numeric(text) === undefined ? undefined : { uid: Number(text) };
}

/** The numeric id of `text` (a name or a number), or undefined when there is no such user or group. */
export async function lookupId(kind: IdKind, text: string, host: ConfigHost): Promise<number | undefined> {
  if (kind === 'user') return (await lookupUser(text, host))?.uid;
  const fields = await entryOf('group', text, host);
  return fields !== undefined ? Number(fields[2]) : numeric(text);
}

function numeric(text: string): number | undefined {
  return /^\d+$/.test(text) && Number(text) <= MAX_ID ? Number(text) : undefined;
}

/** `name:password:id:...` fields of the entry, checked to hold numeric ids. */
async function entryOf(database: 'passwd' | 'group', key: string, host: ConfigHost): Promise<string[] | undefined> {
  const line = await host.getent(database, key);
  const fields = line?.split(':');
  const ids = database === 'passwd' ? [fields?.[2], fields?.[3]] : [fields?.[2]];
  return fields !== undefined && ids.every((id) => id !== undefined && /^\d+$/.test(id)) ? fields : undefined;
}

/** The line of `name` (or numeric id) in a passwd/group file's text: for systems without getent. */
export function findEntry(database: string, key: string): string | undefined {
  return database.split('\n').find((line) => {
    const fields = line.split(':');
    return fields[0] === key || (/^\d+$/.test(key) && fields[2] === key);
  });
}
