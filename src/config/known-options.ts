// Reject keys that are neither options nor placeholders in use: a typo must
// not be ignored silently. A custom key counts as a placeholder only when
// some value references it as %(key). Every unknown key of a file is named at
// once, and a uWSGI option uw does not implement is named as such.
import { UwError } from '../errors.js';
import { referencedNames } from './expand.js';
import { isOptionName } from './options.js';
import { isPlaceholderKey } from './placeholders.js';
import { shown, type RawEntry } from './raw-entry.js';
import { suggestOption } from './suggest.js';

const NO_PLUGINS = 'uw has no plugins: module or script for a Node app, exec for any other program';

/** What to write instead of the uWSGI options a migrated config most often carries that uw does not implement. */
const UWSGI_INSTEAD: Readonly<Record<string, string>> = {
  http: 'uw has no HTTP router: use http-socket',
  https: 'uw has no HTTPS router: use http-socket behind a TLS proxy',
  plugin: NO_PLUGINS,
  plugins: NO_PLUGINS,
  'wsgi-file': 'a Python app runs with exec, as a server on the inherited socket',
  'enable-threads': 'nothing to enable in uw: remove it',
};

/**
 * Throws UW_CONFIG_UNKNOWN_OPTION (UW_CONFIG_UNSUPPORTED_OPTION when every one
 * is a uWSGI option) for the unknown keys of the first file that has any.
 */
export async function assertKnownOptions(entries: readonly RawEntry[]): Promise<void> {
  const referenced = new Set(entries.flatMap((e) => (e.value === true ? [] : referencedNames(e.value))));
  const first = entries.find((e) => isUnknown(e, referenced));
  if (first === undefined) return;
  const unknown = entries.filter((e) => e.file === first.file && isUnknown(e, referenced));
  const { UWSGI_OPTION_NAMES } = await import('./uwsgi-option-names.js');
  const uwsgi = new Set(UWSGI_OPTION_NAMES);
  const typos = unknown.filter((e) => !uwsgi.has(e.key));
  const unsupported = unknown.filter((e) => uwsgi.has(e.key));
  const parts: string[] = [];
  if (typos.length > 0) {
    const named = await Promise.all(typos.map(async (e) => `${shown(e, e.key, 'key')}${await hint(e.key)}`));
    parts.push(`unknown option${typos.length > 1 ? 's' : ''} ${named.join(', ')}`);
  }
  if (unsupported.length > 0) {
    // a uWSGI name is public knowledge, so it is named even in an included file
    const named = (key: string): string => (UWSGI_INSTEAD[key] === undefined ? `"${key}"` : `"${key}" (${UWSGI_INSTEAD[key]})`);
    const names = unsupported.map((e) => named(e.key)).join(', ');
    parts.push(unsupported.length > 1 ? `uWSGI options ${names} are not supported by uw` : `uWSGI option ${names} is not supported by uw`);
  }
  const code = typos.length > 0 ? 'UW_CONFIG_UNKNOWN_OPTION' : 'UW_CONFIG_UNSUPPORTED_OPTION';
  const key = typos[0] ?? unsupported[0] ?? first;
  throw new UwError(code, parts.join('; '), { file: first.file, key: key.included && typos.length > 0 ? undefined : key.key });
}

function isUnknown(entry: RawEntry, referenced: ReadonlySet<string>): boolean {
  return !isOptionName(entry.key) && !isPlaceholderKey(entry.key) && !referenced.has(entry.key);
}

async function hint(key: string): Promise<string> {
  const suggestion = await suggestOption(key);
  return suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
}
