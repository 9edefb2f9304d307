// Reject keys that are neither options nor placeholders in use: a typo must
// not be ignored silently. A custom key counts as a placeholder only when
// some value references it as %(key).
import { UwError } from '../errors.js';
import { referencedNames } from './expand.js';
import { isOptionName } from './options.js';
import { isPlaceholderKey } from './placeholders.js';
import type { RawEntry } from './raw-entry.js';
import { suggestOption } from './suggest.js';

/** Throws UW_CONFIG_UNKNOWN_OPTION for the first unknown key, naming where it was set. */
export async function assertKnownOptions(entries: readonly RawEntry[]): Promise<void> {
  const referenced = new Set(entries.flatMap((e) => (e.value === true ? [] : referencedNames(e.value))));
  const unknown = entries.find((e) => !isOptionName(e.key) && !isPlaceholderKey(e.key) && !referenced.has(e.key));
  if (unknown === undefined) return;
  const suggestion = await suggestOption(unknown.key);
  const hint = suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
  throw new UwError('UW_CONFIG_UNKNOWN_OPTION', `unknown option "${unknown.key}"${hint}`, { file: unknown.file, key: unknown.key });
}
