// The command line of `uwemperor ls|stats|top`: node:util's parseArgs with
// the options each command takes; a mistake is a usage error (exit 2) that
// names the option.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UwError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The options every one of the three commands takes. */
export const COMMON_OPTIONS = {
  control: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/** Parse `argv` (after the command's name); no positionals are allowed. */
export function parseStatsArgs<T extends Options>(command: string, argv: readonly string[], options: T): ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: false }>>['values'] {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0] ?? String(err);
    throw new UwError('UW_USAGE', `${reason} (see uwemperor ${command} --help)`);
  }
}
