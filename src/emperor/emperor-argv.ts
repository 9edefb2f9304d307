// The emperor's command line: `uwemperor [--option value | --option=value]... [DIR|GLOB]...`.
// Only splits and names things; values are converted once, in emperor-settings.
import { UwError } from '../errors.js';
import { closestName } from './closest-name.js';
import { EMPEROR_OPTION_NAMES, isEmperorOption, type RawEmperorOption } from './emperor-options.js';

/** What the command line asks for: help, or a run with raw options. */
export type EmperorArgv =
  | { readonly kind: 'help' }
  | { readonly kind: 'run'; readonly config: string | undefined; readonly options: readonly RawEmperorOption[] };

/** Flags that exist only on the command line. */
const ARGV_ONLY = ['config', 'help'];

/** Split argv into raw options; positional arguments are `emperor` targets. */
export function parseEmperorArgv(argv: readonly string[], cwd: string): EmperorArgv {
  const options: RawEmperorOption[] = [];
  let config: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (!arg.startsWith('--') || arg === '--') {
      if (arg !== '--') options.push({ name: 'emperor', value: arg, file: undefined, base: cwd });
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
    if (name !== 'config' && !isEmperorOption(name)) {
      const near = closestName(name, [...EMPEROR_OPTION_NAMES, ...ARGV_ONLY]);
      throw new UwError('UW_USAGE', `unknown option --${name}${near === undefined ? '' : ` (did you mean --${near}?)`}; see uwemperor --help`);
    }
    const value = equals === -1 ? argv[++i] : arg.slice(equals + 1);
    if (value === undefined) throw new UwError('UW_USAGE', `expected a value after --${name}`);
    if (name === 'config') config = value;
    else options.push({ name, value, file: undefined, base: cwd });
  }
  return { kind: 'run', config, options };
}
