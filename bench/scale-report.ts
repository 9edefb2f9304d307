// The scale part's tables and target rows.
import { fmt, int, mib, table } from './lib/format.js';
import type { VassalKind } from './lib/emperor.js';
import type { BenchOptions, PartReport, TargetRow } from './lib/report.js';
import type { Summary } from './lib/stats.js';
import { perMember, type TreeMemory } from './lib/vassal-tree.js';

export type ScaleResult =
  | { readonly kind: VassalKind; readonly n: number; readonly variant: string; readonly skipped: string }
  | {
      readonly kind: VassalKind;
      readonly n: number;
      /** "default", or what differs (e.g. the emperor's environment) */
      readonly variant: string;
      readonly readyMs: number;
      readonly halfMs: number;
      /** vassals that answered a GET with 200 right after */
      readonly serving: number;
      /** CPU seconds: the emperor's until all ready, and masters + workers per vassal at that point */
      readonly startCpu: { readonly emperor: number; readonly perVassal: number };
      readonly emperorRssAfterStart: number;
      readonly emperorRssAfterIdle: number;
      readonly memory: TreeMemory;
      readonly settleMs: number;
      readonly idle: { readonly seconds: number; readonly emperorPct: number; readonly treePct: number };
      readonly touches: Summary;
      readonly stopMs: number;
      readonly leftovers: number;
    };

export type Measured = Exclude<ScaleResult, { skipped: string }>;
export const measured = (r: ScaleResult): r is Measured => !('skipped' in r);

/** PSS per vassal (master + worker), kB. */
export const pssPerVassalKb = (r: Measured): number => (r.memory.masters.pssKb + r.memory.workers.pssKb) / r.n;

function row(r: ScaleResult): string[] {
  if (!measured(r)) return [r.kind + (r.variant === 'default' ? '' : `, ${r.variant}`), int(r.n), `skipped: ${r.skipped}`, ...Array<string>(12).fill('')];
  const { masters, workers } = r.memory;
  return [r.kind + (r.variant === 'default' ? '' : `, ${r.variant}`), int(r.n), `${fmt(r.readyMs / 1000, 1)} (half: ${fmt(r.halfMs / 1000, 1)})`, `${fmt(r.startCpu.emperor, 1)} / ${fmt(r.startCpu.perVassal * 1000, 0)}`, `${r.serving}/${r.n}`, `${mib(r.emperorRssAfterStart)} / ${mib(r.emperorRssAfterIdle)}`,
    mib(pssPerVassalKb(r)), fmt((masters.threads + workers.threads) / r.n, 0), `${mib(perMember(masters.pssKb, masters))} (anon ${mib(perMember(masters.anonKb, masters))})`, `${mib(perMember(workers.pssKb, workers))} (anon ${mib(perMember(workers.anonKb, workers))})`,
    fmt(r.idle.emperorPct, 2), fmt(r.idle.treePct, 2), `${fmt(r.touches.p50, 0)} / ${fmt(r.touches.p99, 0)}`, fmt(r.stopMs / 1000, 1), String(r.leftovers)];
}

/** Issue 14's row: the 1,000-module-vassal run against the clock (not run with --quick). */
function thousandServing(thousand: ScaleResult | undefined): TargetRow {
  const figure = '1,000 module vassals all serving after the emperor starts';
  if (thousand === undefined) return { figure, target: '< 60 s', measured: 'not run (--quick runs 100 vassals only)', met: null };
  if (!measured(thousand)) return { figure, target: '< 60 s', measured: thousand.skipped, met: false };
  return { figure, target: '< 60 s', measured: `${fmt(thousand.readyMs / 1000, 1)} s to all ready, then ${thousand.serving}/1000 answered a GET`, met: thousand.readyMs < 60_000 && thousand.serving === 1000 };
}

/** Tables and target rows; only `default` variants count for the targets. */
export function reportScale(results: readonly ScaleResult[], run: { python: string; exec: string; quick: BenchOptions['quick']; pythonCost?: string }): PartReport {
  const head = ['kind', 'vassals', 'all ready, s', 'start CPU: emperor s / per vassal ms', 'serving', 'emperor RSS MiB (started / after idle)', 'PSS per vassal MiB', 'threads per vassal', 'master PSS MiB', 'worker PSS MiB', 'emperor CPU idle %core', 'masters + workers CPU idle %core', 'touch → SIGHUP p50 / p99 ms', 'stop all, s', 'left after stop'];
  const first = results.filter(measured)[0];
  const markdown = [
    `Each vassal: an ini file with \`http-socket = 127.0.0.1:0\` and one worker; module kind: the hello handler; exec kind: \`${run.exec}\` (a 30-line python3 server: blocking accept loop on fd 3, READY=1 on $NOTIFY_FD). All files exist before the emperor starts, with its default settings (start-concurrency 4). "All ready" counts from spawning the emperor to the last \`vassal state\` → ready line; "serving" is a GET to every bound port right after. PSS from /proc/PID/smaps_rollup of every master and worker, ${fmt((first?.settleMs ?? Number.NaN) / 1000, 0)} s after all were ready (about 8 s after it starts, every node process runs V8's memory reducer once: a full GC that costs it ~25 ms of CPU and shrinks a master by ~2.4 MiB, a worker by ~1.3 MiB); idle CPU over the next ${fmt(first?.idle.seconds, 0)} s from /proc/PID/stat; "start CPU" is the emperor's CPU time until all were ready, and the CPU time of every master and worker at that point divided by the number of vassals; touch → SIGHUP from the emperor's \`vassal state\` → reloading line, ${run.quick ? 10 : 20} vassals touched one after another (each reload finished before the next touch); "stop all" from SIGINT to the emperor until it and every process under it are gone.`,
    '',
    table(head, results.map(row)),
    ...(run.pythonCost === undefined ? [] : ['', run.pythonCost]),
  ].join('\n');
  const module100 = results.find((r): r is Measured => measured(r) && r.kind === 'module' && r.n === 100 && r.variant === 'default');
  const targets: TargetRow[] = [
    { figure: '100 module vassals all serving after the emperor starts', target: '< 5 s', measured: module100 ? `${fmt(module100.readyMs / 1000, 1)} s (${module100.serving}/100 answered)` : 'n/a', met: module100 ? module100.readyMs < 5_000 && module100.serving === 100 : null },
  ];
  for (const kind of new Set(results.map((r) => r.kind))) {
    const ofKind = results.filter((r) => r.kind === kind && r.variant === 'default');
    const thousand = ofKind.find((r) => r.n === 1000);
    const largest = ofKind.filter(measured).at(-1);
    if (thousand !== undefined) targets.push({ figure: `1,000 ${kind} vassals run on this machine`, target: 'all ready', measured: measured(thousand) ? `${thousand.serving}/1000 serving after ${fmt(thousand.readyMs / 1000, 0)} s` : thousand.skipped, met: measured(thousand) && thousand.serving === 1000 });
    if (kind === 'module') targets.push(thousandServing(thousand));
    if (largest === undefined) continue;
    const at = `with ${int(largest.n)} ${kind} vassals`;
    targets.push(
      { figure: `emperor CPU while idle ${at}`, target: '~0% (< 1% of a core)', measured: `${fmt(largest.idle.emperorPct, 2)}%`, met: largest.n === 1000 ? largest.idle.emperorPct < 1 : null },
      { figure: `emperor RSS ${at}`, target: '< 150 MB', measured: `${fmt((Math.max(largest.emperorRssAfterStart, largest.emperorRssAfterIdle) * 1024) / 1e6, 0)} MB`, met: largest.n === 1000 ? Math.max(largest.emperorRssAfterStart, largest.emperorRssAfterIdle) * 1024 < 150e6 : null },
      { figure: `touch → SIGHUP p99 ${at} running`, target: '< 20 ms', measured: `${fmt(largest.touches.p99, 0)} ms`, met: largest.touches.p99 < 20 },
    );
  }
  return { title: '4. Scale', markdown, targets };
}
