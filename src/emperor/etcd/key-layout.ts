// Pure: what a key under an etcd target's prefix means to this emperor, and
// where its value goes in the cache (the cache mirrors the keys below PREFIX):
//   PREFIX/vassals/NAME                  a vassal (placed: isMine decides)
//   PREFIX/hosts/HOST-ID/vassals/NAME    a vassal of host HOST-ID only
//   PREFIX/include/NAME                  a file vassals include (never started)
// Anything else (members/, status/, other hosts) is not the source's business.
import { isVassalName } from '../watch-target.js';

/** What one key is. `path` is relative to the cache root, '/'-separated. */
export type KeyMeaning =
  | { readonly kind: 'vassal'; readonly path: string; readonly name: string; readonly pinned: boolean }
  | { readonly kind: 'include'; readonly path: string }
  | { readonly kind: 'bad'; readonly reason: string }
  | { readonly kind: 'other' };

/** A file name the cache accepts: no `/`, not hidden, no `..`, a bounded length of plain characters. */
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,199}$/;

/** Classify `key` (the full key, prefix included). */
export function meaningOf(prefix: string, hostId: string, key: string): KeyMeaning {
  if (!key.startsWith(`${prefix}/`)) return { kind: 'other' };
  const below = key.slice(prefix.length + 1);
  const pinnedDir = `hosts/${hostId}/vassals/`;
  if (below.startsWith('vassals/')) return vassal(below, 'vassals/', false);
  if (below.startsWith(pinnedDir)) return vassal(below, pinnedDir, true);
  if (below.startsWith('include/')) {
    const name = below.slice('include/'.length);
    return SAFE_NAME.test(name) && !name.includes('..') ? { kind: 'include', path: below } : { kind: 'bad', reason: badName(name) };
  }
  return { kind: 'other' };
}

function vassal(below: string, dir: string, pinned: boolean): KeyMeaning {
  const name = below.slice(dir.length);
  if (!SAFE_NAME.test(name) || name.includes('..')) return { kind: 'bad', reason: badName(name) };
  if (!isVassalName(name)) return { kind: 'bad', reason: 'expected a name ending in .ini, .yaml, .yml or .json' };
  return { kind: 'vassal', path: below, name, pinned };
}

function badName(name: string): string {
  if (name.includes('/')) return 'expected one name after the directory, without "/"';
  return 'expected a name of letters, digits and "_.@+-", not starting with "." and without ".."';
}

/** The cache paths (relative to its root) that vassals of this host live in. */
export function vassalDirs(hostId: string): readonly string[] {
  return ['vassals', `hosts/${hostId}/vassals`];
}

/** Does a cache path (relative, '/'-separated) name a vassal of this host? The emperor's watch target uses it. */
export function isCachedVassal(hostId: string, relative: string): boolean {
  return vassalDirs(hostId).some((dir) => relative.startsWith(`${dir}/`) && !relative.slice(dir.length + 1).includes('/') && isVassalName(relative.slice(dir.length + 1)));
}

/**
 * Where a vassal's status goes below PREFIX/status/HOST-ID/: its key below PREFIX
 * (`vassals/NAME` or `hosts/HOST-ID/vassals/NAME`), so a placed and a pinned
 * vassal of one name never share a status key. `id` is the vassal's identity
 * (its cache path, relative to the emperor's common root).
 */
export function statusPathOf(hostId: string, id: string): string {
  const name = id.slice(id.lastIndexOf('/') + 1);
  const pinned = `hosts/${hostId}/vassals/${name}`;
  return id === pinned || id.endsWith(`/${pinned}`) ? pinned : `vassals/${name}`;
}

/** The vassal a status path (below PREFIX/status/HOST-ID/) names, as `ls --cluster` shows it; null when it is not one an emperor writes. */
export function vassalOfStatusPath(hostId: string, path: string): string | null {
  const dir = path.startsWith('vassals/') ? 'vassals/' : `hosts/${hostId}/vassals/`;
  if (!path.startsWith(dir)) return null;
  const name = path.slice(dir.length);
  if (!SAFE_NAME.test(name) || name.includes('..') || !isVassalName(name)) return null;
  return dir === 'vassals/' ? name : path;
}
