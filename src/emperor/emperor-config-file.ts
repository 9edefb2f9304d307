// `uwemperor --config FILE`: the [emperor] section of an ini file, with the
// same option names as the flags. Repeated keys accumulate, as in uWSGI, and
// relative paths are relative to the file, so a unit file can point anywhere.
// It is read by the vassal files' own ini parser, so one rule holds for both:
// whole-line comments only, values taken literally (`;` and `#` included).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseIni } from '../config/parse-ini.js';
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
  const entries = parseIni(text, ['emperor'], file);
  if (entries === undefined) throw new UwError('UW_CONFIG_FORMAT', 'expected an [emperor] section', { file });
  const unknown = entries.filter((entry) => !isEmperorOption(entry.key));
  if (unknown.length > 0) {
    const names = unknown.map(({ key }) => {
      const near = closestName(key, EMPEROR_OPTION_NAMES);
      return `"${key}"${near === undefined ? '' : ` (did you mean "${near}"?)`}`;
    });
    const what = names.length === 1 ? 'unknown option' : 'unknown options';
    throw new UwError('UW_CONFIG_UNKNOWN_OPTION', `${what} ${names.join(', ')} in [emperor]`, { file, key: unknown[0]?.key });
  }
  return entries.map(({ key, value }) => {
    if (value === true || value === '') {
      throw new UwError('UW_CONFIG_INVALID_VALUE', `expected "${key}" to have a value, got nothing`, { file, key });
    }
    return { name: key as RawEmperorOption['name'], value, file, base: dirname(file) };
  });
}
