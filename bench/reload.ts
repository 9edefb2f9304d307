// Part 2, reload under load: 10 reloads of a 2-worker hello vassal while a
// client sends at a fixed rate, with keep-alive and with a new connection per
// request: SIGHUP to a standalone master (reload-mode graceful, then chain), and
// `touch` of the vassal file under the emperor. One client run per row
// alternates steady slices and reloads (reload-rounds.ts), so each reload is
// compared with the steady state measured on the same connections just before.
import { fmt, int, table } from './lib/format.js';
import { startEmperor, touch, vassalPort, vassalState, writeVassal } from './lib/emperor.js';
import { startLoad } from './lib/load.js';
import type { ConnectionMode, LoadResult } from './lib/load-types.js';
import { ProcessSet } from './lib/process-set.js';
import type { BenchOptions, PartReport, TargetRow } from './lib/report.js';
import { startUw } from './lib/servers.js';
import { median } from './lib/stats.js';
import { slowByPhase, type PhaseCounts } from './lib/reload-phases.js';
import { summarizeRounds, type Round, type RoundsSummary } from './lib/reload-rounds.js';
import { sleep, withTempDir } from './lib/temp-dir.js';
import { lineTime, type LogLine, type TrackedProcess } from './lib/tracked-process.js';

const ROUNDS = 10;
const WORKERS = 2;
const CONNECTIONS = 16;
const RATE = 2_000;
/** connections opened and the workers warm before the first slice: counted in neither */
const WARMUP_MS = 1_000;
/** a reload slice ends this long after the last old worker exited (clients settle on the new workers) */
const TAIL_MS = 300;
const MODES: readonly ConnectionMode[] = ['keep-alive', 'new-connection'];
const SIGHUP = 'SIGHUP to the master';
const CHAIN = `${SIGHUP} (reload-mode = chain)`;
const TOUCH = '`touch` of the vassal file (emperor)';

/** One row group: how the reloads are asked for, and the master's extra options. */
export interface Variant {
  readonly how: string;
  readonly uwOptions: readonly string[];
  /** under the emperor, reloaded by touching the vassal file; else a standalone master and SIGHUP */
  readonly emperor?: boolean;
}

export interface Scenario {
  readonly how: string;
  readonly mode: ConnectionMode;
  /** the whole client run: every steady and reload slice, warm-up included */
  readonly run: LoadResult;
  readonly rounds: RoundsSummary;
  /** reload durations from the master's `reload finished` lines */
  readonly reloadMs: readonly number[];
  /** requests sent during reloads and slower than twice their round's steady p99, by reload phase */
  readonly slowPhases: PhaseCounts;
  /** chain reloads: how long each old worker drained after its replacement took over */
  readonly drainMs: readonly number[];
}

/** For each `chain reload: worker replaced` line of master `pid`: ms until the old worker it replaced exited. */
function chainDrains(lines: readonly LogLine[], pid: number): number[] {
  const mine = lines.filter((line) => line.pid === pid);
  return mine.flatMap((line) => {
    if (line.msg !== 'chain reload: worker replaced') return [];
    const exit = mine.find((l) => l.msg === 'worker exited' && l.workerPid === line.oldPid);
    return exit === undefined ? [] : [lineTime(exit) - lineTime(line)];
  });
}

/** The master `pid` reloads once (`trigger`); resolves with the reload's duration and its last old worker's exit time. */
async function reloadOnce(log: TrackedProcess, pid: number, how: string, trigger: () => void): Promise<{ durationMs: number; lastExit: number }> {
  const from = log.lines.length;
  trigger();
  const done = await log.watch(from, (l) => (l.pid === pid && (l.msg === 'reload finished' || String(l.msg).startsWith('reload failed')) ? l : undefined), 20_000, 'reload finished');
  if (done.msg !== 'reload finished') throw new Error(`${how}: reload failed: ${String(done.reason)}`);
  const old = Number(done.generation) - 1;
  let exited = 0;
  const lastExit = await log.watch(from, (l) => {
    if (l.pid !== pid || l.msg !== 'worker exited' || Number(l.generation) !== old) return undefined;
    exited += 1;
    return exited === WORKERS ? lineTime(l) : undefined;
  }, 20_000, `the ${WORKERS} workers of generation ${old} exited`);
  return { durationMs: Number(done.durationMs), lastExit };
}

/** ROUNDS rounds of a steady slice then a reload (master `masterPid`, asked for by `trigger`), on one client run. */
async function scenario(processes: ProcessSet, log: TrackedProcess, masterPid: number, port: number, how: string, mode: ConnectionMode, steadyMs: number, trigger: () => void): Promise<Scenario> {
  const load = startLoad(processes, { port, connections: CONNECTIONS, mode, durationMs: 0, ratePerSec: RATE, timeoutMs: 30_000, record: true });
  const firstLine = log.lines.length;
  const rounds: Round[] = [];
  const reloadMs: number[] = [];
  try {
    await sleep(WARMUP_MS);
    let from = Date.now();
    for (let i = 0; i < ROUNDS; i++) {
      await sleep(steadyMs);
      const steady = { from, to: Date.now() };
      const reload = await reloadOnce(log, masterPid, `${how}, reload ${i + 1}`, trigger);
      reloadMs.push(reload.durationMs);
      await sleep(Math.max(0, reload.lastExit + TAIL_MS - Date.now()));
      from = Date.now();
      rounds.push({ steady, reload: { from: steady.to, to: from } });
    }
  } finally {
    await load.stop().catch(() => undefined);
  }
  const run = await load.result;
  if (run.samples === undefined) throw new Error('the load generator sent no samples');
  const summary = summarizeRounds(run.samples, rounds);
  const lines = log.lines.slice(firstLine);
  const slow = summary.rounds.flatMap((round) => round.reload.slow);
  return { how, mode, run, rounds: summary, reloadMs, slowPhases: slowByPhase(lines, masterPid, slow), drainMs: chainDrains(lines, masterPid) };
}

async function underMaster(options: BenchOptions, steadyMs: number, variant: Variant): Promise<Scenario[]> {
  const processes = new ProcessSet();
  try {
    const uw = await startUw(processes, WORKERS, process.env, '', variant.uwOptions);
    const out: Scenario[] = [];
    for (const mode of MODES) {
      options.progress(`reload: ${ROUNDS} x ${variant.how}, ${mode}`);
      out.push(await scenario(processes, uw.process, uw.process.pid, uw.port, variant.how, mode, steadyMs, () => uw.process.signal('SIGHUP')));
    }
    return out;
  } finally {
    await processes.stopAll();
  }
}

async function underEmperor(options: BenchOptions, steadyMs: number, variant: Variant): Promise<Scenario[]> {
  return withTempDir('reload', async (dir) => {
    const processes = new ProcessSet();
    try {
      const emperor = await startEmperor(processes, dir);
      const file = writeVassal(dir, 'app.ini', { kind: 'module', processes: WORKERS });
      const port = await vassalPort(emperor, 'app.ini', 0, 20_000);
      const ready = await vassalState(emperor, 'app.ini', 'ready', 0, 20_000);
      const out: Scenario[] = [];
      for (const mode of MODES) {
        options.progress(`reload: ${ROUNDS} x ${variant.how}, ${mode}`);
        out.push(await scenario(processes, emperor, Number(ready.masterPid), port, variant.how, mode, steadyMs, () => touch(file)));
      }
      return out;
    } finally {
      await processes.stopAll(35_000);
    }
  });
}

/** Both client modes of each variant, one variant after the other. */
export async function runVariants(options: BenchOptions, variants: readonly Variant[]): Promise<Scenario[]> {
  const steadyMs = options.quick ? 1_000 : 2_000;
  const out: Scenario[] = [];
  for (const variant of variants) out.push(...(await (variant.emperor === true ? underEmperor(options, steadyMs, variant) : underMaster(options, steadyMs, variant))));
  return out;
}

const ratio = (value: number): string => `${value.toFixed(2)}x`;

/** One row per scenario. */
function rows(scenarios: readonly Scenario[]): string[][] {
  return scenarios.map((s) => {
    const r = s.rounds;
    return [s.how, s.mode, `${int(s.run.ok)} / ${s.run.failed}`, Object.entries(s.run.errors).map(([k, n]) => `${k}: ${n}`).join(', ') || '-',
      fmt(r.medianSteadyP99, 2), fmt(r.medianReloadP99, 2), `**${ratio(r.medianRatio)}**`, `${ratio(r.minRatio)} – ${ratio(r.maxRatio)}`,
      `${ratio(r.pooledReload.p99 / r.pooledSteady.p99)} (${fmt(r.pooledReload.p99, 2)} vs ${fmt(r.pooledSteady.p99, 2)})`, fmt(r.pooledReload.max, 1),
      `${s.slowPhases.boot} / ${s.slowPhases.switch} / ${s.slowPhases.other}`, fmt(median(s.reloadMs), 0), fmt(Math.max(...s.reloadMs), 0),
      s.drainMs.length === 0 ? '-' : `${fmt(median(s.drainMs), 0)} / ${fmt(Math.max(...s.drainMs), 0)}`];
  });
}

function targets(scenarios: readonly Scenario[]): TargetRow[] {
  return scenarios.flatMap((s) => {
    const name = `${s.how.replace(' (emperor)', '')}, ${s.mode}`;
    const r = s.rounds;
    return [
      { figure: `failed requests over ${ROUNDS} reloads: ${name}`, target: '0', measured: `${s.run.failed} of ${int(s.run.ok + s.run.failed)}`, met: s.run.failed === 0 },
      { figure: `p99 during reloads vs steady (median of ${ROUNDS} rounds): ${name}`, target: '<= 2x', measured: `${ratio(r.medianRatio)} (${fmt(r.medianReloadP99, 2)} vs ${fmt(r.medianSteadyP99, 2)} ms; rounds ${ratio(r.minRatio)} – ${ratio(r.maxRatio)})`, met: r.medianRatio <= 2 },
      { figure: `slowest request during reloads: ${name}`, target: '< 100 ms', measured: `${fmt(r.pooledReload.max, 1)} ms`, met: r.pooledReload.max < 100 },
    ];
  });
}

export const CORE: readonly Variant[] = [
  { how: SIGHUP, uwOptions: [] },
  { how: CHAIN, uwOptions: ['--reload-mode', 'chain'] },
  { how: TOUCH, uwOptions: [], emperor: true },
];

/** What a worker's start costs the requests served meanwhile: the boot-phase levers, beside the defaults (reload-nice = 10 there). */
export const LEVERS: readonly Variant[] = [
  { how: `${SIGHUP} (reload-nice = 0)`, uwOptions: ['--reload-nice', '0'] },
  { how: `${CHAIN}, reload-nice = 0`, uwOptions: ['--reload-mode', 'chain', '--reload-nice', '0'] },
  { how: `${SIGHUP} (reload-boot-limit = 1)`, uwOptions: ['--reload-boot-limit', '1'] },
  { how: `${SIGHUP} (reload-boot-limit = 1, reload-nice = 0)`, uwOptions: ['--reload-boot-limit', '1', '--reload-nice', '0'] },
];

export async function runReload(options: BenchOptions): Promise<PartReport> {
  const steadyMs = options.quick ? 1_000 : 2_000;
  const scenarios = await runVariants(options, CORE);
  const levers = options.quick ? [] : await runVariants(options, LEVERS);
  const head = ['reload by', 'client', 'whole run: ok / failed', 'failures', 'steady p99 ms (median)', 'reload p99 ms (median)', 'ratio (median of rounds)', 'ratio, best – worst round', 'pooled: reload p99 / steady p99 ms', 'slowest during reloads ms', 'slower than 2x steady p99: boot / switch / other', 'reload p50 ms', 'reload max ms', 'chain: old worker drain p50 / max ms'];
  const markdown = [
    `A ${WORKERS}-worker hello vassal; the client sends ${int(RATE)} requests/s in total over ${CONNECTIONS} connections (keep-alive) or ${CONNECTIONS} concurrent connect-request-close loops (new connection). Each row is one client run of ${ROUNDS} rounds after ${WARMUP_MS / 1000} s of warm-up: a steady slice of ${steadyMs / 1000} s, then a reload slice, from the moment the reload is asked for until ${TAIL_MS} ms after the last old worker exited (every request sent meanwhile counts, the boot, the switch and the old workers' drain). A round's ratio is its reload slice's p99 over its own steady slice's p99; the verdict is the median of the ${ROUNDS} ratios (best and worst round beside it), so a noisy moment on the shared machine moves one round, not the row; *pooled* puts every steady slice of the row together, and every reload slice. A failure is any request of the whole run that did not get a complete 200 (reset, refused, closed early, timeout after 30 s, other status). Requests slower than twice their round's steady p99 are counted by the phase they were sent in (from the master's log): *boot*, while the new workers start (\`reload started\` → \`reload finished\`); *switch*, from then until 20 ms after the last old worker exited (old workers drain, keep-alive clients reconnect to the new, cold workers); *other*, the rest of the reload slice.`,
    '',
    table(head, rows([...scenarios, ...levers])),
  ].join('\n');
  return { title: '2. Reload under load', markdown, targets: targets(scenarios) };
}
