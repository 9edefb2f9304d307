// "did you mean" for a mistyped option. fastest-levenshtein is imported only
// when an unknown option is actually found.
import { INCLUDE_KEYS, OPTIONS, PLACEHOLDER_KEYS } from './options.js';

const CANDIDATES: readonly string[] = [...Object.keys(OPTIONS), ...INCLUDE_KEYS, ...PLACEHOLDER_KEYS];

/**
 * The nearest known key within 3 edits. Short keys get a tighter limit (half
 * their length) so "foo" is not "corrected" to "env".
 */
export async function suggestOption(key: string): Promise<string | undefined> {
  const { distance } = await import('fastest-levenshtein');
  const limit = Math.min(3, Math.ceil(key.length / 2));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of CANDIDATES) {
    const d = distance(key, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}
