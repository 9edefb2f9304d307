// The bench runner's command line: which parts run, which are left out because
// they run apart, and which results file the run may write. Only a full run
// replaces RESULTS.md; anything less goes to RESULTS-partial.md (gitignored).
import { RUN_APART } from './run-apart.js';

/** A command line the runner refuses: reported in one line, nothing run. */
export class BenchArgsError extends Error {}

/** What `npm run bench -- ARGS` asks for. */
export interface BenchArgs {
  readonly quick: boolean;
  /** the parts to run, in order */
  readonly only: readonly string[];
  /** parts left out of a full run that run apart (their rows point at their own file) */
  readonly apart: readonly string[];
  /** the results file to write */
  readonly out: string;
}

/** Parse `argv` against the known `parts`; `benchDir` (ending in /) holds the results files. Throws on an unknown part. */
export function parseBenchArgs(argv: readonly string[], parts: readonly string[], benchDir: string): BenchArgs {
  checkFlags(argv);
  const quick = argv.includes('--quick');
  const value = (flag: string): string | undefined => argv[argv.indexOf(flag) + 1];
  const list = (flag: string): string[] => (argv.includes(flag) ? (value(flag) ?? '').split(',').filter((name) => name !== '') : []);
  const chosen = argv.includes('--only') ? list('--only') : [...parts];
  const skip = list('--skip');
  for (const name of [...chosen, ...skip]) if (!parts.includes(name)) throw new BenchArgsError(`unknown part "${name}"; parts: ${parts.join(', ')}`);
  // full: every part ran, but for parts that run apart
  const full = !argv.includes('--only') && skip.every((name) => name in RUN_APART);
  // a part that runs apart, run alone, writes its own file
  const alone = chosen.length === 1 ? RUN_APART[chosen[0] ?? '']?.file : undefined;
  const file = quick ? 'RESULTS-quick.md' : full ? 'RESULTS.md' : (alone ?? 'RESULTS-partial.md');
  const out = argv.includes('--out') ? (value('--out') ?? '') : `${benchDir}${file}`;
  return { quick, only: chosen.filter((name) => !skip.includes(name)), apart: full ? skip : [], out };
}

/** Flags the runner knows, and whether each takes a value (the soak's two are read by the soak part). */
const FLAGS: Readonly<Record<string, boolean>> = {
  '--quick': false, '--refresh-commentary': false,
  '--only': true, '--skip': true, '--out': true, '--reloads': true, '--soak-minutes': true,
};

export const BENCH_USAGE = 'usage: npm run bench -- [--quick] [--only PARTS] [--skip PARTS] [--out FILE] [--refresh-commentary] [--reloads N] [--soak-minutes M]';

/** Throw on a flag the runner does not know (`--help` included), so that a typo never starts a full hour-long run. */
function checkFlags(argv: readonly string[]): void {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const takesValue = FLAGS[arg];
    if (takesValue === undefined) throw new BenchArgsError(`unknown argument "${arg}"; ${BENCH_USAGE}`);
    if (takesValue) {
      if (argv[i + 1] === undefined) throw new BenchArgsError(`${arg} needs a value; ${BENCH_USAGE}`);
      i++;
    }
  }
}
