// Part 5, footprint: what a master and a worker cost in memory and start-up,
// and what shrinks them without touching src/: variants of the master's node
// flags and environment, run side by side as standalone masters (1 worker each);
// the start cost of NODE_EXTRA_CA_CERTS; the import cost of each dependency the
// master loads. The 100-vassal figures come from the scale part.
import { withoutCa } from './lib/env.js';
import { fmt, mib, table } from './lib/format.js';
import { importCost, runCost, startCost } from './lib/node-probe.js';
import { cpuSeconds } from './lib/proc-stats.js';
import { ProcessSet } from './lib/process-set.js';
import { HELLO_APP, UW_BIN } from './lib/paths.js';
import type { BenchOptions, PartReport, TargetRow } from './lib/report.js';
import { measured, pssPerVassalKb, type Measured, type ScaleResult } from './scale-report.js';
import { scaleRun } from './scale.js';
import { median } from './lib/stats.js';
import { sleep } from './lib/temp-dir.js';
import { mastersMemory, perMember } from './lib/vassal-tree.js';

interface Variant {
  readonly name: string;
  /** node flags of the master only (its workers are spawned without them) */
  readonly flags: readonly string[];
  /** the master's environment, which its workers inherit */
  readonly env: NodeJS.ProcessEnv;
  /** no master at all: an idle empty node process, for reference */
  readonly bare?: true;
}

const BARE = `console.log(JSON.stringify({ msg: 'master ready' })); setInterval(() => undefined, 1e9);`;

const VARIANTS: readonly Variant[] = [
  { name: '`uw` started with this environment (NODE_EXTRA_CA_CERTS set)', flags: [], env: process.env },
  { name: 'without NODE_EXTRA_CA_CERTS (master and worker; under the emperor, masters already start without it)', flags: [], env: withoutCa() },
  { name: '--max-semi-space-size=1', flags: ['--max-semi-space-size=1'], env: process.env },
  { name: '--lite-mode', flags: ['--lite-mode'], env: process.env },
  { name: '--jitless', flags: ['--jitless'], env: process.env },
  { name: '--optimize-for-size', flags: ['--optimize-for-size'], env: process.env },
  { name: 'fewer threads: --v8-pool-size=1, UV_THREADPOOL_SIZE=1 (master and worker)', flags: ['--v8-pool-size=1'], env: { ...process.env, UV_THREADPOOL_SIZE: '1' } },
  { name: 'no CA file, --lite-mode, --max-semi-space-size=1, --optimize-for-size', flags: ['--lite-mode', '--max-semi-space-size=1', '--optimize-for-size'], env: withoutCa() },
  { name: 'reference: an idle empty node process (no master)', flags: ['-e', BARE], env: process.env, bare: true },
  { name: 'reference: the same without the CA file', flags: ['-e', BARE], env: withoutCa(), bare: true },
];

interface Started {
  readonly variant: Variant;
  readonly pid: number;
  readonly readyMs: number;
  readonly cpuAtReadyMs: number;
}

async function masterVariants(options: BenchOptions, perVariant: number): Promise<string> {
  const processes = new ProcessSet();
  try {
    const started: Started[] = [];
    for (let i = 0; i < perVariant; i++) {
      for (const variant of VARIANTS) {
        options.progress(`footprint: master ${i + 1}/${perVariant}, ${variant.name}`);
        const t0 = Date.now();
        const args = variant.bare ? variant.flags : [...variant.flags, UW_BIN, '--http-socket', '127.0.0.1:0', '--module', HELLO_APP, '--processes', '1'];
        const master = processes.spawn('uw', process.execPath, args, { env: variant.env });
        await master.waitForMsg('master ready', {}, 20_000);
        started.push({ variant, pid: master.pid, readyMs: Date.now() - t0, cpuAtReadyMs: cpuSeconds(master.pid) * 1000 });
      }
    }
    // past V8's memory reducer (~8 s after a process starts), which shrinks every heap once
    await sleep(10_000);
    const rows = VARIANTS.map((variant) => {
      const mine = started.filter((s) => s.variant === variant);
      const { masters, workers } = mastersMemory(mine.map((s) => s.pid));
      return [variant.name, mib(perMember(masters.pssKb, masters)), mib(perMember(masters.anonKb, masters)), mib(perMember(masters.rssKb, masters)), fmt(masters.threads / masters.count, 0), mib(perMember(workers.pssKb, workers)),
        fmt(median(mine.map((s) => s.cpuAtReadyMs)), 0), fmt(median(mine.map((s) => s.readyMs)), 0)];
    });
    return table(['master started with', 'master PSS MiB', 'master anon MiB', 'master RSS MiB', 'master threads', 'its worker PSS MiB', 'master CPU at ready, ms', 'spawn → master ready, ms'], rows);
  } finally {
    await processes.stopAll();
  }
}

/** The bundled master entry loaded and run to its end (`uw --version`), against an empty node, both without the CA file as under the emperor. */
function masterLoadCost(runs: number): string {
  const bare = runCost(['-e', ''], withoutCa(), runs);
  const master = runCost([UW_BIN, '--version'], withoutCa(), runs);
  return table(['process (no NODE_EXTRA_CA_CERTS)', 'CPU ms', 'private memory (Pss_Anon) at exit, KiB', 'V8 heap at exit, KiB'], [
    ['`node -e ""`', fmt(bare.cpuMs, 0), fmt(bare.rssKb, 0), fmt(bare.heapKb, 0)],
    ['`node dist/src/cli/uw.js --version` (the bundled master, loaded)', fmt(master.cpuMs, 0), fmt(master.rssKb, 0), fmt(master.heapKb, 0)],
  ]);
}

function caCost(runs: number): string {
  const withCa = startCost([], process.env, runs);
  const without = startCost([], withoutCa(), runs);
  return table(['`node -e` (empty program)', 'wall ms', 'CPU ms', 'RSS MiB at exit'], [
    [`with NODE_EXTRA_CA_CERTS=${process.env.NODE_EXTRA_CA_CERTS ?? '(unset)'}`, fmt(withCa.wallMs, 0), fmt(withCa.cpuMs, 0), mib(withCa.rssKb)],
    ['without it', fmt(without.wallMs, 0), fmt(without.cpuMs, 0), mib(without.rssKb)],
  ]);
}

function importCosts(runs: number): string {
  const specifiers: [string, string][] = [
    ['pino (bundled into every master, and the emperor)', 'pino'],
    ['js-yaml (loaded on first use: only .yaml/.yml configs)', 'js-yaml'],
    ['fastest-levenshtein (loaded on first use: only for a typo message)', 'fastest-levenshtein'],
  ];
  return table(['import', 'CPU ms', 'V8 heap KiB after GC', 'private memory (Pss_Anon) KiB'], specifiers.map(([label, specifier]) => {
    const cost = importCost(specifier, runs);
    return [label, fmt(cost.cpuMs, 1), fmt(cost.heapKb, 0), fmt(cost.rssKb, 0)];
  }));
}

const WITHOUT_CA = 'without NODE_EXTRA_CA_CERTS';

/** Issue 14's memory and thread targets, on 100 vassals as the issue measured them: the emperor without NODE_EXTRA_CA_CERTS (with --quick, the environment as it is). */
function leanTargets(hundred: readonly Measured[]): TargetRow[] {
  const lean = hundred.find((r) => r.variant === WITHOUT_CA) ?? hundred.find((r) => r.variant === 'default');
  const as = lean === undefined ? '100 vassals' : `100 vassals, emperor ${lean.variant === 'default' ? 'environment as it is' : WITHOUT_CA}`;
  const pss = lean ? pssPerVassalKb(lean) : Number.NaN;
  const master = lean ? perMember(lean.memory.masters.pssKb, lean.memory.masters) : Number.NaN;
  const masterThreads = lean ? lean.memory.masters.threads / lean.memory.masters.count : Number.NaN;
  const workerThreads = lean ? lean.memory.workers.threads / lean.memory.workers.count : Number.NaN;
  const row = (figure: string, target: string, shown: string, met: boolean): TargetRow => ({ figure: `${figure}, ${as}`, target, measured: lean ? shown : 'n/a', met: lean ? met : null });
  return [
    row('PSS per vassal (master + 1 worker)', '<= 12 MiB', `${mib(pss)} MiB`, pss <= 12 * 1024),
    row('master PSS', '<= 6 MiB', `${mib(master)} MiB`, master <= 6 * 1024),
    row('threads per master / per Node worker (defaults; average)', '<= 6 / <= 8', `${fmt(masterThreads, 1)} / ${fmt(workerThreads, 1)}`, masterThreads <= 6 && workerThreads <= 8),
  ];
}

/** The 100-module-vassal runs: the scale part's, or our own; in full mode also one without the CA file. */
async function hundredVassals(options: BenchOptions, scale: readonly ScaleResult[]): Promise<ScaleResult[]> {
  const request = { kind: 'module', n: 100, estimateKb: 24 * 1024, exec: '' } as const;
  const out = scale.filter((r) => r.kind === 'module' && r.n === 100);
  if (!out.some((r) => r.variant === 'default')) {
    options.progress('footprint: 100 module vassals');
    out.push(await scaleRun(options, request));
  }
  if (!options.quick) {
    options.progress('footprint: 100 module vassals, emperor started without NODE_EXTRA_CA_CERTS');
    out.push(await scaleRun(options, { ...request, env: withoutCa(), variant: WITHOUT_CA }));
  }
  return out;
}

export async function runFootprint(options: BenchOptions, scale: readonly ScaleResult[]): Promise<PartReport> {
  const runs = options.quick ? 3 : 7;
  const hundred = (await hundredVassals(options, scale)).filter(measured);
  const perVariant = options.quick ? 1 : 5;
  const variants = await masterVariants(options, perVariant);
  options.progress('footprint: NODE_EXTRA_CA_CERTS and import costs');
  const ca = caCost(runs);
  const imports = importCosts(runs);
  const load = masterLoadCost(runs);
  const rows = hundred.map((r) => [r.variant, mib(pssPerVassalKb(r)), mib(perMember(r.memory.masters.pssKb, r.memory.masters)), mib(perMember(r.memory.workers.pssKb, r.memory.workers)), fmt(r.readyMs / 1000, 1)]);
  const base = hundred.find((r) => r.variant === 'default');
  const targets: TargetRow[] = [
    { figure: 'PSS per vassal (master + 1 worker), 100 vassals', target: '< 20 MiB', measured: base ? `${mib(pssPerVassalKb(base))} MiB` : 'n/a', met: base ? pssPerVassalKb(base) < 20 * 1024 : null },
    { figure: 'master PSS, 100 vassals', target: '< 8 MiB', measured: base ? `${mib(perMember(base.memory.masters.pssKb, base.memory.masters))} MiB` : 'n/a', met: base ? perMember(base.memory.masters.pssKb, base.memory.masters) < 8 * 1024 : null },
    ...leanTargets(hundred),
  ];
  const markdown = [
    `**With 100 module vassals running** (every master and worker under one emperor; see the scale part for how). Issue 14's PSS and thread targets are judged on the run ${options.quick ? 'with the environment as it is (--quick has no other)' : 'without NODE_EXTRA_CA_CERTS, as the issue measured them'}; the older < 20 / < 8 MiB rows on the default one.`,
    '',
    table(['emperor environment', 'PSS per vassal MiB', 'master PSS MiB', 'worker PSS MiB', '100 ready, s'], rows),
    '',
    `**Master variants, side by side** (${perVariant} standalone \`uw\` master(s) per variant with one hello worker each, started in turn, all running at once, measured 10 s after the last was ready, past V8's memory reducer; medians for times). Node flags apply to the master only: it spawns its workers without them. The environment applies to both.`,
    '',
    variants,
    '',
    `**NODE_EXTRA_CA_CERTS**: node reads and parses the whole bundle at start-up in every process, master and worker alike, whether or not it ever opens a TLS connection (median of ${runs}):`,
    '',
    ca,
    '',
    `**What the master's code costs**: the bundled entry, loaded and run to its end, against an empty node (median of ${runs}):`,
    '',
    load,
    '',
    `and what each dependency adds on its own (one fresh \`node --expose-gc\` per measurement, median of ${runs}; growth of the V8 heap and of the private memory, both after a full GC):`,
    '',
    imports,
  ].join('\n');
  return { title: '5. Footprint', markdown, targets };
}
