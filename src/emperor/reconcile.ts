// Pure: compare what the emperor knows about a vassal file with what is on disk
// now, and name the one thing to do about it.
import { sameFingerprint, type Fingerprint } from './fingerprint.js';

/** What a settled observation means for the vassal. */
export type FileAction = 'create' | 'change' | 'remove' | 'none';

/**
 * `known` is undefined when the emperor has no vassal for the path, null when
 * it has one whose file is already known to be gone (a master still stopping).
 */
export function reconcileFile(known: Fingerprint | null | undefined, observed: Fingerprint | null): FileAction {
  if (known === undefined) return observed === null ? 'none' : 'create';
  if (observed === null) return known === null ? 'none' : 'remove';
  return sameFingerprint(known, observed) ? 'none' : 'change';
}
