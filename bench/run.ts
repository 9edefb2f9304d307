// npm run bench [-- --quick] [--only data-path,reload,reaction,scale,footprint,stats,script,logs,soak,crash,uwsgi,startup] [--skip PARTS] [--out FILE] [--refresh-commentary]
// (soak: [--reloads N] [--soak-minutes M])
// Runs the benchmark parts one after another and writes RESULTS.md (or
// RESULTS-quick.md with --quick, RESULTS-partial.md with --only or with a --skip of a part that does not run
// apart): machine, command, each part's duration, targets table, each part's tables, and the hand-written
// commentary from bench/commentary.md. The soak runs apart (lib/run-apart.ts): `--skip soak` still writes
// RESULTS.md, and `--only soak` writes RESULTS-soak.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { runDataPath } from './data-path.js';
import { runReaction } from './reaction.js';
import { runReload } from './reload.js';
import { runFootprint } from './footprint.js';
import { runScale } from './scale.js';
import { runStatsCost } from './stats-cost.js';
import { runScript } from './script.js';
import { runLogs } from './logs.js';
import { runSoak } from './soak.js';
import { runCrash } from './crash.js';
import { runUwsgi } from './uwsgi.js';
import { runStartup } from './startup.js';
import type { ScaleResult } from './scale-report.js';
import { describeMachine } from './lib/machine.js';
import { ROOT } from './lib/paths.js';
import { stopEverything } from './lib/process-set.js';
import { verdict, type BenchOptions, type PartReport } from './lib/report.js';
import { RUN_APART, runApartReport } from './lib/run-apart.js';
import { BenchArgsError, parseBenchArgs } from './lib/bench-args.js';
import { table } from './lib/format.js';

/** What a part may leave for a later one: the scale runs feed the footprint. */
interface Shared {
  scale: ScaleResult[];
}

const PARTS: Record<string, (options: BenchOptions, shared: Shared) => Promise<PartReport>> = {
  'data-path': runDataPath,
  reload: runReload,
  reaction: runReaction,
  scale: async (options, shared) => {
    const { report, results } = await runScale(options);
    shared.scale = results;
    return report;
  },
  footprint: (options, shared) => runFootprint(options, shared.scale),
  stats: (options) => runStatsCost(options),
  script: runScript,
  logs: runLogs,
  soak: runSoak,
  crash: runCrash,
  uwsgi: runUwsgi,
  startup: runStartup,
};

const METHOD = [
  '- Everything runs on 127.0.0.1, in temporary directories, on ports the kernel picks (`127.0.0.1:0`); every process a part starts is tracked by PID and stopped (SIGINT, then SIGKILL, then SIGKILL to any descendant left) when the part ends.',
  '- The load generator is a separate process (`dist/bench/lib/load-client.js`: raw HTTP/1.1 over net.Socket, every request accounted as a 200 with its latency or as a failure by kind; autocannon, for the keep-alive cross-check, also runs in its own process). It measures its own CPU time with `process.cpuUsage()` and reports it as "client CPU %core". The server\'s CPU is read from /proc/PID/stat for its whole process tree (master or primary, and every worker), and for the master / primary alone. On this 2-core machine the generator takes most of one core, so no server can use both cores fully: compare the servers with one another (the ratios), and per request (server CPU µs/req), rather than with other machines.',
  '- The machine is shared and noisy: comparisons run side by side in one run, interleaved in short slices in rotating order, and report medians over rounds.',
].join('\n');

function commentary(): string {
  try {
    return readFileSync(`${ROOT}bench/commentary.md`, 'utf8').trim();
  } catch {
    return '(no bench/commentary.md)';
  }
}

/** --refresh-commentary: put the current bench/commentary.md into an existing results file, without measuring. */
function refreshCommentary(out: string): void {
  const text = readFileSync(out, 'utf8');
  const at = text.indexOf('\n## Commentary\n');
  if (at < 0) throw new Error(`${out} has no "## Commentary" section`);
  writeFileSync(out, `${text.slice(0, at)}\n## Commentary\n\n${commentary()}\n`);
}

/** Each part in turn; a part that throws becomes a section saying so. Returns the reports and each part's duration. */
async function runParts(names: readonly string[], options: BenchOptions): Promise<{ reports: PartReport[]; durations: string[] }> {
  const reports: PartReport[] = [];
  const durations: string[] = [];
  const shared: Shared = { scale: [] };
  for (const name of names) {
    const part = PARTS[name];
    if (part === undefined) continue;
    const started = Date.now();
    try {
      reports.push(await part(options, shared));
    } catch (err) {
      options.progress(`${name} failed: ${(err as Error).stack ?? String(err)}`);
      reports.push({ title: name, markdown: `**failed**: ${(err as Error).message}`, targets: [] });
    }
    durations.push(`${name} ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  return { reports, durations };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const args = parseBenchArgs(argv, Object.keys(PARTS), `${ROOT}bench/`);
  if (argv.includes('--refresh-commentary')) return refreshCommentary(args.out);
  const started = Date.now();
  const options: BenchOptions = { quick: args.quick, progress: (message) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`) };
  const machine = describeMachine();
  const { reports, durations } = await runParts(args.only, options);
  const apart = args.apart.flatMap((name) => { const part = RUN_APART[name]; return part === undefined ? [] : [runApartReport(name, part, `${ROOT}bench/`)]; });
  const targets = [...reports.flatMap((report) => report.targets), ...apart.flatMap((report) => report.targets)];
  const text = [
    `# Benchmark results${args.quick ? ' (--quick)' : ''}`,
    '',
    `Generated by \`npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}\` on ${new Date(started).toISOString()}, in ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    '',
    `Parts in the order they ran, with their duration: ${durations.join(', ')}.`,
    '',
    '## Machine',
    '',
    machine,
    '',
    '## How it is measured',
    '',
    METHOD,
    '',
    '## Targets',
    '',
    ...apart.flatMap((report) => [report.note, '']),
    table(['figure', 'target', 'measured', 'verdict'], targets.map((row) => [row.figure, row.target, row.measured, verdict(row)])),
    '',
    ...reports.flatMap((report) => [`## ${report.title}`, '', report.markdown, '']),
    '## Commentary',
    '',
    commentary(),
    '',
  ].join('\n');
  writeFileSync(args.out, text);
  options.progress(`wrote ${args.out}`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`bench: ${signal}, stopping every process it started\n`);
    void stopEverything().finally(() => process.exit(130));
  });
}
main().catch((err: unknown) => {
  if (err instanceof BenchArgsError) {
    process.stderr.write(`bench: ${err.message}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
