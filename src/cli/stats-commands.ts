// `uwemperor ls|stats|top|logs`: the first argument names the command (a directory
// literally named ls, stats or top is written ./ls). Each command is loaded
// only when named, so the emperor itself never evaluates it.
import { describeError, UwError } from '../errors.js';
import { EmperorUnreachableError } from './read-emperor-stats.js';

const COMMANDS: Readonly<Record<string, () => Promise<(argv: readonly string[]) => Promise<number>>>> = {
  ls: async () => (await import('./ls.js')).ls,
  stats: async () => (await import('./stats-cmd.js')).stats,
  top: async () => (await import('./top.js')).top,
  logs: async () => (await import('./logs.js')).logs,
};

/** If argv names a stats command, run it and return its exit code (1: no emperor, 2: usage); else null. */
export async function runStatsCommand(argv: readonly string[]): Promise<number | null> {
  const name = argv[0];
  const load = name === undefined ? undefined : COMMANDS[name];
  if (load === undefined) return null;
  try {
    return await (await load())(argv.slice(1));
  } catch (err) {
    if (!(err instanceof EmperorUnreachableError || err instanceof UwError)) throw err;
    process.stderr.write(`uwemperor ${name}: ${err instanceof UwError ? describeError(err) : err.message}\n`);
    return err instanceof UwError ? 2 : 1;
  }
}
