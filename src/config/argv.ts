// Command-line arguments → config sources, uWSGI style: a positional argument
// is a config file (`app.ini` or `app.ini:section`), `--ini/--yaml/--json FILE`
// name the format, and every option is `--key value` or `--key=value`. What a
// uWSGI Emperor adds to a vassal's argv means what it means to uWSGI:
// `--set key=value` sets an option, `--include FILE` reads a file in place.
import { UwError } from '../errors.js';
import type { ConfigFormat, ConfigSource } from './config-source.js';
import { boolean, octalMode, type Converter } from './convert.js';
import { OPTIONS, isOptionName, type OptionSpec } from './options.js';

export type { ConfigSource } from './config-source.js';

const ORIGIN = 'command line';
const FILE_FLAGS: Readonly<Record<string, ConfigFormat>> = { ini: 'ini', yaml: 'yaml', yml: 'yaml', json: 'json' };

/** Sources in argv order; unknown keys pass through for loadConfig to report. Throws UW_USAGE. */
export function argvToSources(argv: readonly string[]): ConfigSource[] {
  const sources: ConfigSource[] = [];
  let optionsEnded = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (optionsEnded || !arg.startsWith('-') || arg === '-') {
      sources.push({ kind: 'file', path: arg });
      continue;
    }
    if (arg === '--') {
      optionsEnded = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new UwError('UW_USAGE', `short options are not supported: "${arg}"; use the long form, e.g. --processes 4`);
    const eq = arg.indexOf('=');
    const key = arg.slice(2, eq < 0 ? undefined : eq);
    if (key === '') throw new UwError('UW_USAGE', `"${arg}" has no option name`);
    let value: string | true;
    if (eq >= 0) {
      value = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      const hasNext = next !== undefined && !next.startsWith('--');
      const mode = valueMode(key, next);
      if (mode === 'none' || (mode === 'maybe' && !hasNext)) {
        value = true;
      } else if (!hasNext) {
        throw new UwError('UW_USAGE', `option --${key} needs a value (use --${key}=VALUE for one starting with "--")`);
      } else {
        value = next;
        i += 1;
      }
    }
    const format = FILE_FLAGS[key];
    if (format !== undefined) {
      if (value === true || value === '') throw new UwError('UW_USAGE', `option --${key} needs a file name`);
      sources.push({ kind: 'file', path: value, format });
    } else if (key === 'set' || key === 'include') {
      sources.push(emperorOption(key, value));
    } else {
      sources.push({ kind: 'option', key, value, origin: ORIGIN });
    }
  }
  return sources;
}

/**
 * `--set key=value` is the option `key` (or a placeholder, when only a %(key)
 * uses it); `--include FILE` is inherit's in-place reading, as on uw's command
 * line inherit applies where it stands.
 */
function emperorOption(key: 'set' | 'include', value: string | true): ConfigSource {
  const text = value === true ? '' : value;
  if (key === 'include') {
    if (text === '') throw new UwError('UW_USAGE', 'option --include needs a file name');
    return { kind: 'option', key: 'inherit', value: text, origin: ORIGIN };
  }
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UwError('UW_USAGE', `option --set expects KEY=VALUE, got ${JSON.stringify(text.slice(0, 80))}`);
  return { kind: 'option', key: text.slice(0, eq), value: text.slice(eq + 1), origin: ORIGIN };
}

/** What a bare option's next argument must look like to be its value. */
const BARE_VALUE: Partial<Record<OptionSpec['kind'], Converter<unknown>>> = { bool: boolean, mode: octalMode };

/**
 * Options with a bare value (`--vacuum`) take the next argument only when it
 * is a value of their kind (`--vacuum false`, `--chmod-socket 660`), so
 * `--vacuum app.ini` still reads app.ini; other known options always take
 * one. An unknown key takes one if there is one, so a typo like `--vacum`
 * still reaches loadConfig and gets its "did you mean".
 */
function valueMode(key: string, next: string | undefined): 'none' | 'required' | 'maybe' {
  if (isOptionName(key)) {
    const spec: OptionSpec = OPTIONS[key];
    if (spec.bare === undefined) return 'required';
    const converter = BARE_VALUE[spec.kind];
    return next !== undefined && converter?.convert(next) !== undefined ? 'required' : 'none';
  }
  if (Object.hasOwn(FILE_FLAGS, key) || ['inherit', 'include', 'set', 'set-ph', 'set-placeholder'].includes(key)) return 'required';
  return 'maybe';
}
