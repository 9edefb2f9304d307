// Part 2, reload under load: 10 graceful reloads of a 2-worker hello vassal while
// a client sends at a fixed rate, with keep-alive and with a new connection per
// request: SIGHUP to a standalone master (reload-mode graceful, then chain), and
// `touch` of the vassal file under the emperor. Each is compared with the same
// client on the same vassal at steady state just before.
import { fmt, int, table } from './lib/format.js';
import { withoutCa } from './lib/env.js';
import { startEmperor, touch, vassalPort, vassalState, writeVassal } from './lib/emperor.js';
import { runLoad, startLoad } from './lib/load.js';
import type { ConnectionMode, LoadConfig, LoadResult } from './lib/load-types.js';
import { ProcessSet } from './lib/process-set.js';
import type { BenchOptions, PartReport, TargetRow } from './lib/report.js';
import { startUw } from './lib/servers.js';
import { median } from './lib/stats.js';
import { slowByPhase, type PhaseCounts } from './lib/reload-phases.js';
import { sleep, withTempDir } from './lib/temp-dir.js';
import { lineTime, type LogLine, type TrackedProcess } from './lib/tracked-process.js';

const RELOADS = 10;
const CONNECTIONS = 16;
const RATE = 2_000;
const MODES: readonly ConnectionMode[] = ['keep-alive', 'new-connection'];
const SIGHUP = 'SIGHUP to the master';
const CHAIN = `${SIGHUP} (reload-mode = chain)`;


interface Scenario {
  readonly how: string;
  readonly mode: ConnectionMode;
  readonly steady: LoadResult;
  readonly reloading: LoadResult;
  /** reload durations from the master's `reload finished` lines */
  readonly reloadMs: readonly number[];
  /** requests slower than twice the steady p99, by the reload phase they were sent in */
  readonly slowPhases: PhaseCounts;
  readonly slowOver: number;
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

/** Steady state, then a run with RELOADS reloads triggered by `trigger` (master PID `masterPid` logs them). */
async function scenario(processes: ProcessSet, log: TrackedProcess, masterPid: number, port: number, how: string, mode: ConnectionMode, steadyMs: number, trigger: () => void): Promise<Scenario> {
  const config: LoadConfig = { port, connections: CONNECTIONS, mode, durationMs: steadyMs, ratePerSec: RATE, timeoutMs: 30_000 };
  const steady = await runLoad(processes, config);
  const slowOver = 2 * steady.latency.p99;
  const firstLine = log.lines.length;
  const load = startLoad(processes, { ...config, durationMs: 0, slowMs: slowOver });
  const reloadMs: number[] = [];
  try {
    await sleep(300);
    for (let i = 0; i < RELOADS; i++) {
      const from = log.lines.length;
      trigger();
      const done = await log.watch(from, (l) => (l.pid === masterPid && (l.msg === 'reload finished' || String(l.msg).startsWith('reload failed')) ? l : undefined), 20_000, 'reload finished');
      if (done.msg !== 'reload finished') throw new Error(`${how}: reload ${i + 1} failed: ${String(done.reason)}`);
      reloadMs.push(Number(done.durationMs));
      await sleep(200);
    }
    await sleep(300);
  } finally {
    await load.stop().catch(() => undefined);
  }
  const reloading = await load.result;
  const lines = log.lines.slice(firstLine);
  return { how, mode, steady, reloading, reloadMs, slowOver, slowPhases: slowByPhase(lines, masterPid, reloading.slow), drainMs: chainDrains(lines, masterPid) };
}

/** `env`: the master's environment (its workers inherit it); `how`: the label; `uwOptions`: more of uw's options. */
async function underMaster(options: BenchOptions, steadyMs: number, how: string, env: NodeJS.ProcessEnv, uwOptions: readonly string[] = []): Promise<Scenario[]> {
  const processes = new ProcessSet();
  try {
    const uw = await startUw(processes, 2, env, '', uwOptions);
    const out: Scenario[] = [];
    for (const mode of MODES) {
      options.progress(`reload: ${RELOADS} x ${how}, ${mode}`);
      out.push(await scenario(processes, uw.process, uw.process.pid, uw.port, how, mode, steadyMs, () => uw.process.signal('SIGHUP')));
    }
    return out;
  } finally {
    await processes.stopAll();
  }
}

async function underEmperor(options: BenchOptions, steadyMs: number): Promise<Scenario[]> {
  return withTempDir('reload', async (dir) => {
    const processes = new ProcessSet();
    try {
      const emperor = await startEmperor(processes, dir);
      const file = writeVassal(dir, 'app.ini', { kind: 'module', processes: 2 });
      const port = await vassalPort(emperor, 'app.ini', 0, 20_000);
      const ready = await vassalState(emperor, 'app.ini', 'ready', 0, 20_000);
      const out: Scenario[] = [];
      for (const mode of MODES) {
        options.progress(`reload: ${RELOADS} x touch under the emperor, ${mode}`);
        out.push(await scenario(processes, emperor, Number(ready.masterPid), port, '`touch` of the vassal file (emperor)', mode, steadyMs, () => touch(file)));
      }
      return out;
    } finally {
      await processes.stopAll(35_000);
    }
  });
}

/** One row per SIGHUP scenario: graceful vs chain. */
function modeRows(scenarios: readonly Scenario[]): string[][] {
  return scenarios.filter((s) => s.how === SIGHUP || s.how === CHAIN).map((s) => [
    s.how === CHAIN ? 'chain' : 'graceful',
    s.mode,
    fmt(s.steady.latency.p99, 2),
    fmt(s.reloading.latency.p99, 2),
    `${(s.reloading.latency.p99 / s.steady.latency.p99).toFixed(2)}x`,
    fmt(median(s.reloadMs), 0),
    s.drainMs.length === 0 ? '-' : `${fmt(median(s.drainMs), 0)} / ${fmt(Math.max(...s.drainMs), 0)}`,
  ]);
}

export async function runReload(options: BenchOptions): Promise<PartReport> {
  const steadyMs = options.quick ? 1_500 : 5_000;
  const scenarios = [
    ...(await underMaster(options, steadyMs, SIGHUP, process.env)),
    ...(await underMaster(options, steadyMs, CHAIN, process.env, ['--reload-mode', 'chain'])),
    ...(await underEmperor(options, steadyMs)),
  ];
  // what a worker's start-up costs the requests served meanwhile: the same without the CA bundle to parse,
  // and with reload-nice's lower priority for booting workers (off by default; the master runs as root here)
  const lean = options.quick ? [] : [
    // the old workers' Connection: close all at once (before reload-spread), beside the default spread of 1 s
    ...(await underMaster(options, steadyMs, `${SIGHUP} (reload-spread = 0)`, process.env, ['--reload-spread', '0'])),
    ...(await underMaster(options, steadyMs, `${SIGHUP}, without NODE_EXTRA_CA_CERTS (master and workers)`, withoutCa())),
    ...(await underMaster(options, steadyMs, `${SIGHUP} (reload-nice = 10)`, process.env, ['--reload-nice', '10'])),
    ...(await underMaster(options, steadyMs, `${CHAIN}, reload-nice = 10`, process.env, ['--reload-mode', 'chain', '--reload-nice', '10'])),
  ];
  const rows = [...scenarios, ...lean].map((s) => {
    const r = s.reloading;
    return [s.how, s.mode, `${int(r.ok)} / ${r.failed}`, Object.entries(r.errors).map(([k, n]) => `${k}: ${n}`).join(', ') || '-', fmt(s.steady.latency.p50, 2), fmt(s.steady.latency.p99, 2), fmt(r.latency.p50, 2), fmt(r.latency.p99, 2), fmt(r.latency.max, 1), String(r.slowOver100ms),
      `${fmt(s.slowOver, 1)} ms: ${s.slowPhases.boot} / ${s.slowPhases.switch} / ${s.slowPhases.other}`, fmt(median(s.reloadMs), 0), fmt(Math.max(...s.reloadMs), 0)];
  });
  const head = ['reload by', 'client', 'during reloads: ok / failed', 'failures', 'steady p50 ms', 'steady p99 ms', 'reloads p50 ms', 'reloads p99 ms', 'reloads max ms', '> 100 ms', 'slower than 2x steady p99: boot / switch / other', 'reload p50 ms', 'reload max ms'];
  const targets: TargetRow[] = scenarios.flatMap((s) => {
    const r = s.reloading;
    const name = `${s.how.replace(' (emperor)', '')}, ${s.mode}`;
    return [
      { figure: `failed requests over ${RELOADS} reloads: ${name}`, target: '0', measured: `${r.failed} of ${int(r.ok + r.failed)}`, met: r.failed === 0 },
      { figure: `p99 during reloads vs steady: ${name}`, target: '<= 2x', measured: `${(r.latency.p99 / s.steady.latency.p99).toFixed(2)}x (${fmt(r.latency.p99, 2)} vs ${fmt(s.steady.latency.p99, 2)} ms)`, met: r.latency.p99 <= 2 * s.steady.latency.p99 },
      { figure: `slowest request during reloads: ${name}`, target: '< 100 ms', measured: `${fmt(r.latency.max, 1)} ms`, met: r.latency.max < 100 },
    ];
  });
  const markdown = [
    `A 2-worker hello vassal; the client sends ${int(RATE)} requests/s in total over ${CONNECTIONS} connections (keep-alive) or ${CONNECTIONS} concurrent connect-request-close loops (new connection). Steady state: ${steadyMs / 1000} s of the same load just before. During reloads: one run from 300 ms before the first reload to 300 ms after the last; each reload is triggered once the previous one finished (\`reload finished\` in the master's log) plus 200 ms. A failure is any request that did not get a complete 200 (reset, refused, closed early, timeout after 30 s, other status). Requests slower than twice the steady p99 are counted by the phase they were sent in (from the master's log): *boot*, while the new workers start (\`reload started\` → \`reload finished\`); *switch*, from then until 20 ms after the last old worker exited (old workers drain, keep-alive clients reconnect to the new, cold workers); *other*, between reloads.`,
    '',
    table(head, rows),
    '',
    `Reload p99 vs steady, per reload mode (SIGHUP to the master). A chain reload replaces one worker at a time: the next replacement boots once the old worker it replaced has exited (its drain, measured below), so its *boot* phase spans the whole chain.`,
    '',
    table(['reload mode', 'client', 'steady p99 ms', 'reloads p99 ms', 'ratio', 'reload p50 ms', 'old worker drain p50 / max ms'], modeRows(scenarios)),
  ].join('\n');
  return { title: '2. Reload under load', markdown, targets };
}
