// npm run chaos [-- --duration SECONDS] [--seed N] [--modules N]: the long form of the chaos run
// (CHAOS_DURATION and CHAOS_SEED work too); prints the summary, exits 1 when a check failed.
import { runChaos } from './chaos-run.js';
import { formatChaos } from './chaos-summary.js';
import { stopEverything } from './lib/process-set.js';

function option(argv: readonly string[], flag: string, env: string | undefined, fallback: number): number {
  const at = argv.indexOf(flag);
  const text = at >= 0 ? argv[at + 1] : env;
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${flag}: expected a number >= 0, got "${text}"`);
  return value;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const seed = option(argv, '--seed', process.env.CHAOS_SEED, Date.now() % 1_000_000);
  const durationMs = option(argv, '--duration', process.env.CHAOS_DURATION, 180) * 1_000;
  const modules = option(argv, '--modules', undefined, 3);
  const started = Date.now();
  const progress = (message: string): void => void process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
  progress(`chaos: seed ${seed} (replay with --seed ${seed}), ${durationMs / 1000} s of kills`);
  const result = await runChaos({ seed, durationMs, modules, load: { keepAlive: 2, fresh: 1, gapMs: 5, timeoutMs: 30_000 }, recoveryBoundMs: 30_000, progress, ...(process.env.CHAOS_LOG !== undefined && { logFile: process.env.CHAOS_LOG }) });
  process.stdout.write(`${formatChaos(result)}\n`);
  if (result.problems.length > 0) process.exitCode = 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`chaos: ${signal}, stopping every process it started\n`);
    void stopEverything().finally(() => process.exit(130));
  });
}
main().catch((err: unknown) => {
  process.stderr.write(`chaos: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
