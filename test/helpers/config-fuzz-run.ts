// The config fuzzer's property, run against the real loader on real files:
// every input loads, or fails with one of the project's config errors naming
// a file, in one line, within a time bound, never showing a secret file's text.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describeError, UwError } from '../../src/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { fuzzCase, SECRET, SIDE_FILES, type FuzzCase } from './config-fuzz-inputs.js';

/** One input that takes longer than this is a hang. */
export const CASE_LIMIT_MS = 5_000;

export interface FuzzOptions {
  readonly seed: number;
  readonly runs: number;
  /** an empty scratch directory */
  readonly dir: string;
}

export interface FuzzReport {
  readonly seed: number;
  readonly cases: number;
  readonly loaded: number;
  /** error code → count */
  readonly errors: Readonly<Record<string, number>>;
  readonly slowestMs: number;
  readonly elapsedMs: number;
}

/** Run the property; throws fast-check's report (seed and shrunk input) on the first failure. */
export async function fuzzConfigs(options: FuzzOptions): Promise<FuzzReport> {
  for (const [name, text] of Object.entries(SIDE_FILES)) writeFileSync(path.join(options.dir, name), text);
  const errors: Record<string, number> = {};
  let loaded = 0;
  let slowestMs = 0;
  const started = performance.now();
  await fc.assert(
    fc.asyncProperty(fuzzCase, async (input) => {
      const t0 = performance.now();
      const outcome = await loadOnce(input, options.dir);
      slowestMs = Math.max(slowestMs, performance.now() - t0);
      if (outcome === 'loaded') loaded++;
      else errors[outcome] = (errors[outcome] ?? 0) + 1;
    }),
    { seed: options.seed, numRuns: options.runs, includeErrorInReport: true },
  );
  return { seed: options.seed, cases: options.runs, loaded, errors, slowestMs: Math.round(slowestMs), elapsedMs: Math.round(performance.now() - started) };
}

/** Load one input and check the outcome: 'loaded' or the error code. Throws when a rule is broken. */
export async function loadOnce(input: FuzzCase, dir: string): Promise<string> {
  const file = path.join(dir, `v${input.ext}`);
  writeFileSync(file, input.bytes);
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the loader took over ${CASE_LIMIT_MS} ms`)), CASE_LIMIT_MS);
  });
  try {
    await Promise.race([loadConfig({ sources: [{ kind: 'file', path: file }], cwd: dir, env: { HOME: '/home/fuzz', PATH: '/usr/bin:/bin' } }), hang]);
    return 'loaded';
  } catch (err) {
    return checkError(err);
  } finally {
    clearTimeout(timer);
    rmSync(file, { force: true });
  }
}

/** The rules every loader error obeys; returns its code. */
export function checkError(err: unknown): string {
  if (!(err instanceof UwError)) throw new Error(`not a UwError: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  if (!err.code.startsWith('UW_CONFIG_') && err.code !== 'UW_APP_NOT_FOUND') throw new Error(`not a config error: ${describeError(err)}`);
  if (err.file === undefined || err.file === '') throw new Error(`names no file: ${describeError(err)}`);
  const line = describeError(err);
  if (/[\r\n]/.test(line)) throw new Error(`more than one line: ${JSON.stringify(line)}`);
  if (line.includes(SECRET)) throw new Error(`shows a file it should not: ${line}`);
  return err.code;
}
