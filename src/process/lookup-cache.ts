// A tyrant emperor looks up the owner's passwd and group entries at every
// master start, synchronously (getent-sync.ts: up to 2 s each when NSS does not
// answer). A restart storm of one user's vassals would block the emperor's loop
// once per start; remembered for a short while, each entry is asked at most
// once per TTL, so an account change is seen within seconds.
import type { AccountLookup } from '../emperor/tyrant-account.js';

/** Long enough to absorb a burst of starts, short enough that a changed account is seen soon. */
export const LOOKUP_TTL_MS = 10_000;
/** Entries kept at most (the oldest is forgotten first). */
export const LOOKUP_MAX_ENTRIES = 512;

/** `lookup` with each answer (an entry or none, a timeout included) kept for `ttlMs`. */
export function cachedLookup(lookup: AccountLookup, now: () => number = Date.now, ttlMs = LOOKUP_TTL_MS, maxEntries = LOOKUP_MAX_ENTRIES): AccountLookup {
  const kept = new Map<string, { readonly line: string | undefined; readonly until: number }>();
  return (database, key) => {
    const id = `${database}\0${key}`;
    const hit = kept.get(id);
    if (hit !== undefined && hit.until > now()) return hit.line;
    kept.delete(id);
    const line = lookup(database, key);
    // a Map keeps insertion order: the first key is the oldest entry
    if (kept.size >= maxEntries) kept.delete(kept.keys().next().value as string);
    kept.set(id, { line, until: now() + ttlMs });
    return line;
  };
}
