// The %(name) table: every key set in the files or on the command line (the
// last value wins, so a list gives its last item), plus `set-placeholder` /
// `set-ph = name=value`. Values are stored raw and expanded when referenced.
import { UwError } from '../errors.js';
import { INCLUDE_KEYS, OPTIONS, PLACEHOLDER_KEYS, isOptionName, type OptionSpec } from './options.js';
import { shown, type RawEntry } from './raw-entry.js';

export interface Placeholder {
  /** unexpanded */
  readonly value: string;
  /** where it was set: errors inside its value point there */
  readonly entry: RawEntry;
}

export type PlaceholderTable = ReadonlyMap<string, Placeholder>;

/** Build the table from entries in the order they apply. */
export function placeholderTable(entries: readonly RawEntry[]): PlaceholderTable {
  const table = new Map<string, Placeholder>();
  for (const entry of entries) {
    if (isPlaceholderKey(entry.key)) {
      const { name, value } = splitDeclaration(entry);
      table.set(name, { value, entry });
    } else if (!(INCLUDE_KEYS as readonly string[]).includes(entry.key)) {
      const placeholder = { value: entry.value === true ? bareValue(entry.key) : entry.value, entry };
      table.set(entry.key, placeholder);
      // `workers = 4` also answers %(processes)
      const alias = isOptionName(entry.key) ? (OPTIONS[entry.key] as OptionSpec).alias : undefined;
      if (alias !== undefined) table.set(alias, placeholder);
    }
  }
  return table;
}

/** set-placeholder or set-ph */
export function isPlaceholderKey(key: string): boolean {
  return (PLACEHOLDER_KEYS as readonly string[]).includes(key);
}

function splitDeclaration(entry: RawEntry): { name: string; value: string } {
  const text = entry.value === true ? '' : entry.value;
  const eq = text.indexOf('=');
  if (eq <= 0) {
    throw new UwError('UW_CONFIG_INVALID_VALUE', `option "${entry.key}": expected name=value, got ${shown(entry, text)}`, {
      file: entry.file,
      key: entry.key,
    });
  }
  return { name: text.slice(0, eq).trim(), value: text.slice(eq + 1).trim() };
}

function bareValue(key: string): string {
  return (isOptionName(key) ? (OPTIONS[key] as OptionSpec).bare : undefined) ?? 'true';
}
