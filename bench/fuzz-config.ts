// npm run fuzz [-- --seed N] [--runs N]   (or FUZZ_SEED / FUZZ_RUNS)
// The long form of the config fuzzer: many more random and mutated vassal
// files against the real loader than `npm test` runs; prints the seed and the
// counts so a failure can be replayed and a run quoted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fuzzConfigs } from '../test/helpers/config-fuzz-run.js';

function option(argv: readonly string[], flag: string, envName: string, fallback: number): number {
  const index = argv.indexOf(flag);
  const text = index >= 0 ? argv[index + 1] : process.env[envName];
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${flag}: expected an integer >= 0, got ${String(text)}`);
  return value;
}

const argv = process.argv.slice(2);
const seed = option(argv, '--seed', 'FUZZ_SEED', Math.floor(Math.random() * 2 ** 31));
const runs = option(argv, '--runs', 'FUZZ_RUNS', 50_000);
const dir = mkdtempSync(path.join(tmpdir(), 'uw-fuzz-'));
console.log(`config fuzz: seed ${seed}, ${runs} cases (replay: npm run fuzz -- --seed ${seed} --runs ${runs})`);
try {
  const report = await fuzzConfigs({ seed, runs, dir });
  console.log(JSON.stringify(report, null, 2));
  console.log(`config fuzz: ${report.cases} cases in ${(report.elapsedMs / 1000).toFixed(1)} s, ${report.loaded} loaded, the rest refused with a config error; slowest ${report.slowestMs} ms`);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
