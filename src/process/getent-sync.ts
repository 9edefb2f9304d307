// One passwd or group entry, looked up synchronously through the system's
// databases (NSS, as `getent` answers: /etc files, LDAP, systemd's dynamic
// users). Synchronous because the emperor decides a tyrant master's account
// inside its (synchronous) spawn: one short helper per master start, bounded
// by a timeout so an unreachable NSS server cannot hang the emperor for long,
// and its answers kept a few seconds (lookup-cache.ts).
import { readFileSync } from 'node:fs';
import { findEntry } from '../config/lookup-ids.js';
import { runHelperSync } from './spawn.js';

/** An NSS lookup that does not answer within this is taken as "no entry". */
const GETENT_TIMEOUT_MS = 2_000;

/** The line of `key` (a name or numeric id) in `database`, or undefined when there is none. */
export function getentSync(database: 'passwd' | 'group', key: string): string | undefined {
  const result = runHelperSync('getent', [database, key], ['ignore', 'pipe', 'ignore'], GETENT_TIMEOUT_MS);
  // no getent (a minimal container): the files are all there is
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return findEntry(readOr(`/etc/${database}`), key);
  return result.status === 0 ? result.stdout.split('\n')[0] : undefined;
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
