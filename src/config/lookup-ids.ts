// uid/gid from a number or a name. Names are looked up in /etc/passwd and
// /etc/group only (no NSS): enough for the accounts a service runs as.
import type { ConfigHost } from './host.js';

export type IdKind = 'user' | 'group';

export const ID_DATABASE: Readonly<Record<IdKind, string>> = { user: '/etc/passwd', group: '/etc/group' };

/** (uid_t)-1 means "unchanged" to setuid, so it is not a valid id */
const MAX_ID = 2 ** 32 - 2;

/** The numeric id, or undefined when the name is unknown (or the database unreadable). */
export async function lookupId(kind: IdKind, text: string, host: ConfigHost): Promise<number | undefined> {
  if (/^\d+$/.test(text)) return Number(text) <= MAX_ID ? Number(text) : undefined;
  let database: string;
  try {
    database = await host.readFile(ID_DATABASE[kind]);
  } catch {
    return undefined;
  }
  return findId(database, text);
}

/** Both files share `name:password:id:...`. */
export function findId(database: string, name: string): number | undefined {
  for (const line of database.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields[2] !== undefined && /^\d+$/.test(fields[2])) return Number(fields[2]);
  }
  return undefined;
}
