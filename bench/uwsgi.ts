// Part "uwsgi": uwemperor against uWSGI's own Emperor (Debian's uwsgi with the
// python3 plugin, serving the Python twin of the hello app) on the same work,
// interleaved: reaction, reload under load, N vassals serving, PSS, idle CPU.
// Every row gives both figures and the ratio uwemperor / uWSGI. Skipped, saying
// so, when uWSGI is missing and cannot be installed.
import { fmt, int, mib, ratio, table } from './lib/format.js';
import { ProcessSet } from './lib/process-set.js';
import type { BenchOptions, PartReport, TargetRow } from './lib/report.js';
import { median, summarize } from './lib/stats.js';
import { withTempDir } from './lib/temp-dir.js';
import { ensureUwsgi, uwsgiVersion } from './lib/uwsgi.js';
import { fleetSideBySide, type FleetRun, type FleetSystem } from './uwsgi-fleet.js';
import { reactionSideBySide, type ReactionRun, type ReactionSide } from './uwsgi-reaction.js';
import { RELOAD_CONNECTIONS, RELOAD_RATE, reloadSideBySide, type ReloadOutcome } from './uwsgi-reload.js';

const TITLE = 'uWSGI side by side';
const N = 100;
const SERVING = { figure: `${N} module vassals serving, vs uWSGI's Emperor with Python vassals`, target: '<= 1.5x' } as const;

function reactionRows(sides: readonly ReactionSide[]): string[][] {
  const [uw, ...uwsgis] = sides;
  if (uw === undefined) return [];
  const figures: [string, keyof ReactionRun][] = [['file created → first 200', 'createTo200'], ['touch → first response from a new worker', 'touchToNewWorker'], ['rm → port refuses', 'rmToRefused']];
  return figures.flatMap(([label, key]) => uwsgis.map((other) => {
    const ours = summarize(uw.runs.map((run) => run[key]));
    const theirs = summarize(other.runs.map((run) => run[key]));
    return [label, other.label, `${fmt(theirs.p50, 0)} / ${fmt(theirs.max, 0)}`, `${fmt(ours.p50, 0)} / ${fmt(ours.max, 0)}`, ratio(ours.p50, theirs.p50)];
  }));
}

function reloadRows(outcomes: readonly ReloadOutcome[]): string[][] {
  const pick = (system: ReloadOutcome['system'], how: ReloadOutcome['how']): ReloadOutcome | undefined => outcomes.find((o) => o.system === system && o.how === how);
  return (['SIGHUP', 'touch'] as const).flatMap((how) => {
    const ours = pick('uwemperor', how);
    const theirs = pick('uWSGI', how);
    if (ours === undefined || theirs === undefined) return [];
    const p99Ratio = (o: ReloadOutcome): number => o.reloading.latency.p99 / o.steady.latency.p99;
    const row = (figure: string, value: (o: ReloadOutcome) => number, show: (v: number) => string): string[] => [`${how}: ${figure}`, show(value(theirs)), show(value(ours)), ratio(value(ours), value(theirs))];
    return [
      [`${how}: failed requests`, `${theirs.reloading.failed} of ${int(theirs.reloading.ok + theirs.reloading.failed)}`, `${ours.reloading.failed} of ${int(ours.reloading.ok + ours.reloading.failed)}`, '-'],
      row('slowest request, ms', (o) => o.reloading.latency.max, (v) => fmt(v, 1)),
      row('p99 during reloads, ms', (o) => o.reloading.latency.p99, (v) => fmt(v, 2)),
      row('p99 steady, ms', (o) => o.steady.latency.p99, (v) => fmt(v, 2)),
      row('p99 during reloads / steady', p99Ratio, (v) => `${v.toFixed(2)}x`),
      row('trigger → first answer from a new worker, median ms', (o) => median([...o.switchMs]), (v) => fmt(v, 0)),
    ];
  });
}

function fleetRows(runs: readonly FleetRun[], n: number): string[][] {
  const of = (system: FleetSystem, value: (run: FleetRun) => number): number => median(runs.filter((r) => r.system === system).map(value));
  const perVassal = (kb: number): number => kb / n;
  const rows: [string, (run: FleetRun) => number, (v: number) => string][] = [
    [`${n} vassals: emperor started → every port answers 200, s`, (r) => r.servingMs / 1000, (v) => fmt(v, 1)],
    [`${n} vassals: CPU to get there, per vassal, ms (emperor + masters + workers)`, (r) => perVassal(r.startCpuMs), (v) => fmt(v, 0)],
    ['PSS per vassal (master + worker), MiB', (r) => perVassal(r.memory.masters.pssKb + r.memory.workers.pssKb), (v) => mib(v)],
    ['master PSS, MiB', (r) => r.memory.masters.pssKb / r.memory.masters.count, (v) => mib(v)],
    ['worker PSS, MiB', (r) => r.memory.workers.pssKb / r.memory.workers.count, (v) => mib(v)],
    ['threads per vassal (master + worker)', (r) => (r.memory.masters.threads + r.memory.workers.threads) / n, (v) => fmt(v, 1)],
    [`idle CPU, % of a core, the emperor and all ${n} vassals`, (r) => r.idleTreePct, (v) => fmt(v, 2)],
    ['idle CPU, % of a core, the emperor alone', (r) => r.idleEmperorPct, (v) => fmt(v, 2)],
  ];
  return rows.map(([figure, value, show]) => [figure, show(of('uWSGI', value)), show(of('uwemperor', value)), ratio(of('uwemperor', value), of('uWSGI', value))]);
}

/** Issue 14's target on this part: the time to serve N vassals against uWSGI's. Start-up CPU, threads and PSS, also shown in the fleet table, are judged in the startup and footprint parts. */
function fleetTargets(fleet: readonly FleetRun[]): TargetRow[] {
  const serving = (system: FleetSystem): number => median(fleet.filter((r) => r.system === system).map((r) => r.servingMs));
  return [
    { ...SERVING, measured: `${ratio(serving('uwemperor'), serving('uWSGI'))} (${fmt(serving('uwemperor') / 1000, 1)} vs ${fmt(serving('uWSGI') / 1000, 1)} s)`, met: serving('uwemperor') <= 1.5 * serving('uWSGI') },
  ];
}

export async function runUwsgi(options: BenchOptions): Promise<PartReport> {
  const missing = ensureUwsgi(options.progress);
  if (missing !== null) {
    options.progress(`uwsgi: SKIPPED: ${missing}`);
    return { title: TITLE, markdown: `**Skipped**: ${missing}.`, targets: [{ ...SERVING, measured: 'skipped: no uWSGI', met: null }] };
  }
  const runs = options.quick ? 3 : 10;
  const reloads = options.quick ? 3 : 5;
  const steadyMs = options.quick ? 2_000 : 5_000;
  const n = N;
  const rounds = options.quick ? 1 : 2;
  const idleMs = options.quick ? 5_000 : 20_000;
  const sides = await withTempDir('uwsgi-reaction', async (root) => {
    const processes = new ProcessSet();
    try {
      return await reactionSideBySide(processes, root, runs, options.progress);
    } finally {
      await processes.stopAll(35_000);
    }
  });
  const reload = await withTempDir('uwsgi-reload', (root) => reloadSideBySide(root, reloads, steadyMs, options.progress));
  const fleet = await fleetSideBySide(n, rounds, idleMs, options.progress);
  const targets = fleetTargets(fleet);
  const markdown = [
    `uWSGI ${uwsgiVersion()} with its python3 plugin serves the Python twin of the hello app (bench/apps/hello-wsgi.py, WSGI, \`Connection: close\`); uwemperor serves bench/apps/hello.js. Both on 127.0.0.1 on fixed free ports; uwemperor runs without NODE_EXTRA_CA_CERTS (as a deployment without a private CA would). Ratio = uwemperor / uWSGI (below 1: uwemperor is faster or smaller).`,
    '',
    `**Reaction** (${runs} runs per emperor on fresh 1-worker vassals, the three emperors in rotating order; every touch waits for the next whole second, since uWSGI compares mtimes in whole seconds; probes every 5 ms). Figures: median / max, ms.`,
    '',
    table(['figure', 'uWSGI Emperor', 'uWSGI', 'uwemperor', 'ratio (medians)'], reactionRows(sides)),
    '',
    `**Reload under load** (a 2-worker vassal, ${int(RELOAD_RATE)} requests/s over ${RELOAD_CONNECTIONS} new-connection loops; ${steadyMs / 1000} s steady, then ${reloads} reloads 1.5 s apart, each done once a new worker answered; SIGHUP to a standalone master, touch under the Emperor (uWSGI with --emperor-freq 1)).`,
    '',
    table(['figure', 'uWSGI', 'uwemperor', 'ratio'], reloadRows(reload)),
    '',
    `**${n} vassals** (files present before the emperor starts; medians of ${rounds} round(s), the systems alternating first; memory 10 s after all serve, idle CPU over ${idleMs / 1000} s). Only the serving time is a target row here; the start-up CPU, thread and PSS targets are judged in the startup and footprint parts.`,
    '',
    table(['figure', 'uWSGI', 'uwemperor', 'ratio'], fleetRows(fleet, n)),
  ].join('\n');
  return { title: TITLE, markdown, targets };
}
