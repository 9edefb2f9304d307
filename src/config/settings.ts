// Expanded entries of known options, grouped by canonical name in the order
// they apply: a scalar reads the last one, a list reads them all. A bare key
// has already become the option's `bare` value here.
import { UwError } from '../errors.js';
import type { Converter } from './convert.js';
import { OPTIONS, isOptionName, type OptionName, type OptionSpec } from './options.js';
import { shown, type RawEntry } from './raw-entry.js';

export interface Setting {
  /** as written, e.g. "workers"; errors use it */
  readonly key: string;
  /** canonical, e.g. "processes" */
  readonly name: OptionName;
  readonly value: string;
  readonly file: string;
  /** position among all settings, to tell which of two options came later */
  readonly index: number;
  /** how errors may quote the value: see RawEntry */
  readonly position?: string | undefined;
  readonly included?: true | undefined;
  readonly written?: string | undefined;
}

export class Settings {
  private readonly byName = new Map<OptionName, Setting[]>();

  /** non-option keys (placeholders, custom keys) are skipped */
  constructor(entries: readonly RawEntry[]) {
    for (const [index, entry] of entries.entries()) {
      if (!isOptionName(entry.key)) continue;
      const setting = toSetting(entry, entry.key, index);
      const list = this.byName.get(setting.name) ?? [];
      list.push(setting);
      this.byName.set(setting.name, list);
    }
  }

  last(name: OptionName): Setting | undefined {
    return this.byName.get(name)?.at(-1);
  }

  all(name: OptionName): readonly Setting[] {
    return this.byName.get(name) ?? [];
  }

  /** The last value converted, or `fallback` when the option is not set. */
  read<T>(name: OptionName, converter: Converter<T>, fallback: T): T {
    const setting = this.last(name);
    return setting === undefined ? fallback : convert(setting, converter);
  }
}

/** Convert one setting or throw UW_CONFIG_INVALID_VALUE naming its file and key. */
export function convert<T>(setting: Setting, converter: Converter<T>): T {
  const value = converter.convert(setting.value);
  if (value === undefined) throw invalidValue(setting, converter.expected);
  return value;
}

/** `option "processes": expected an integer >= 1, got "four"`; a `note` built from the value is left out where the value may not be shown. */
export function invalidValue(setting: Setting, expected: string, note?: string): UwError {
  const tail = note === undefined || setting.included || setting.written !== undefined ? '' : ` (${note})`;
  return new UwError('UW_CONFIG_INVALID_VALUE', `option "${setting.key}": expected ${expected}, got ${shown(setting, setting.value)}${tail}`, {
    file: setting.file,
    key: setting.key,
  });
}

function toSetting(entry: RawEntry, key: OptionName, index: number): Setting {
  const spec: OptionSpec = OPTIONS[key];
  const name = (spec.alias ?? key) as OptionName;
  const value = entry.value === true ? spec.bare : entry.value;
  if (value === undefined || value === '') {
    throw new UwError('UW_CONFIG_INVALID_VALUE', `option "${key}": expected a value, got nothing`, { file: entry.file, key });
  }
  return { key, name, value, file: entry.file, index, position: entry.position, included: entry.included, written: entry.written };
}
