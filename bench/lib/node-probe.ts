// Short node processes that report what starting node, or importing a module,
// costs: wall time, CPU time and memory, from inside the probe itself.
import { spawnSync } from 'node:child_process';
import { ROOT } from './paths.js';
import { median } from './stats.js';

export interface ProbeCost {
  readonly wallMs: number;
  readonly cpuMs: number;
  /** start probes: RSS at exit; import probes: growth of the private (anonymous) memory, Pss_Anon */
  readonly rssKb: number;
  /** import probes: V8 heap growth after a full GC */
  readonly heapKb: number;
}

function probe(flags: readonly string[], code: string, env: NodeJS.ProcessEnv): ProbeCost {
  const started = performance.now();
  const result = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', code], { cwd: ROOT, env, encoding: 'utf8', timeout: 20_000 });
  const wallMs = performance.now() - started;
  const line = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !line.startsWith('{')) throw new Error(`probe failed (${result.status}): ${result.stderr.trim().slice(0, 300)}`);
  return { wallMs, ...(JSON.parse(line) as Omit<ProbeCost, 'wallMs'>) };
}

function medianOf(runs: readonly ProbeCost[]): ProbeCost {
  const m = (pick: (cost: ProbeCost) => number): number => median(runs.map(pick));
  return { wallMs: m((c) => c.wallMs), cpuMs: m((c) => c.cpuMs), rssKb: m((c) => c.rssKb), heapKb: m((c) => c.heapKb) };
}

const REPORT_START = 'const c = process.cpuUsage(); console.log(JSON.stringify({ cpuMs: (c.user + c.system) / 1000, rssKb: process.memoryUsage().rss / 1024, heapKb: process.memoryUsage().heapUsed / 1024 }));';

/** What an empty node process costs with these flags and this environment (median of `runs`). */
export function startCost(flags: readonly string[], env: NodeJS.ProcessEnv, runs: number): ProbeCost {
  return medianOf(Array.from({ length: runs }, () => probe(flags, REPORT_START, env)));
}

/** What `await import(specifier)` adds to a node process (median of `runs`); specifiers resolve from the repository root. */
export function importCost(specifier: string, runs: number): ProbeCost {
  const code = `import { readFileSync } from 'node:fs';
const anon = () => Number(/^Pss_Anon:\\s+(\\d+)/m.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'))[1]);
globalThis.gc(); const a0 = anon(); const m0 = process.memoryUsage(); const c0 = process.cpuUsage();
await import(${JSON.stringify(specifier)});
const c = process.cpuUsage(c0); globalThis.gc(); const m1 = process.memoryUsage();
console.log(JSON.stringify({ cpuMs: (c.user + c.system) / 1000, rssKb: anon() - a0, heapKb: (m1.heapUsed - m0.heapUsed) / 1024 }));`;
  return medianOf(Array.from({ length: runs }, () => probe(['--expose-gc'], code, process.env)));
}

/** At exit, writes the process's CPU time and private memory (Pss_Anon) as JSON on stderr. */
const EXIT_REPORTER = `data:text/javascript,${encodeURIComponent(`import { readFileSync } from 'node:fs';
process.on('exit', () => {
  const c = process.cpuUsage();
  const anon = Number(/^Pss_Anon:\\s+(\\d+)/m.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'))[1]);
  process.stderr.write('\\n' + JSON.stringify({ cpuMs: (c.user + c.system) / 1000, rssKb: anon, heapKb: process.memoryUsage().heapUsed / 1024 }) + '\\n');
});`)}`;

/** What running `node ARGS` to its end costs (median of `runs`): CPU, and private memory (Pss_Anon) and V8 heap at exit. */
export function runCost(args: readonly string[], env: NodeJS.ProcessEnv, runs: number): ProbeCost {
  return medianOf(Array.from({ length: runs }, () => {
    const started = performance.now();
    const result = spawnSync(process.execPath, ['--import', EXIT_REPORTER, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 20_000 });
    const wallMs = performance.now() - started;
    const line = result.stderr.trim().split('\n').pop() ?? '';
    if (!line.startsWith('{')) throw new Error(`run probe failed (${result.status}): ${result.stderr.trim().slice(0, 300)}`);
    return { wallMs, ...(JSON.parse(line) as Omit<ProbeCost, 'wallMs'>) };
  }));
}
