// `uwemperor --config FILE`: the [emperor] section of an ini file, with the
// same option names as the flags. Repeated keys accumulate, as in uWSGI, and
// relative paths are relative to the file, so a unit file can point anywhere.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { decode } from 'ini';
import { UwError } from '../errors.js';
import { closestName } from './closest-name.js';
import { EMPEROR_OPTION_NAMES, isEmperorOption, type RawEmperorOption } from './emperor-options.js';

/** The raw options of the file's [emperor] section, in file order. */
export function readEmperorConfig(path: string, cwd: string): RawEmperorOption[] {
  const file = resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UwError('UW_CONFIG_UNREADABLE', `cannot read the emperor config: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { file });
  }
  const section: unknown = decode(text, { bracketedArray: false }).emperor;
  if (typeof section !== 'object' || section === null) {
    throw new UwError('UW_CONFIG_FORMAT', 'expected an [emperor] section', { file });
  }
  const options: RawEmperorOption[] = [];
  for (const [key, value] of Object.entries(section)) {
    if (!isEmperorOption(key)) {
      const near = closestName(key, EMPEROR_OPTION_NAMES);
      throw new UwError('UW_CONFIG_UNKNOWN_OPTION', `unknown option "${key}" in [emperor]${near === undefined ? '' : ` (did you mean "${near}"?)`}`, { file, key });
    }
    for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (typeof item !== 'string') {
        throw new UwError('UW_CONFIG_INVALID_VALUE', `expected "${key}" to have a value, got ${JSON.stringify(item)}`, { file, key });
      }
      options.push({ name: key, value: item, file, base: dirname(file) });
    }
  }
  return options;
}
