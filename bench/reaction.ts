// Part 3, emperor reaction: per run, on a fresh 1-worker module vassal:
// file created -> first HTTP 200; touch -> SIGHUP sent (emperor's log) and
// received (master's log) -> first response from a new worker; rm -> port refuses.
// Two emperors run side by side: the defaults, and --settle-ms 5.
import { mkdirSync, unlinkSync } from 'node:fs';
import { fmt, table } from './lib/format.js';
import { masterLine, startEmperor, touch, vassalPort, vassalState, writeVassal } from './lib/emperor.js';
import { connectOnce, getOnce, pidInBody, pollUntil } from './lib/http-probe.js';
import { ProcessSet } from './lib/process-set.js';
import type { BenchOptions, PartReport } from './lib/report.js';
import { summarize, type Summary } from './lib/stats.js';
import { withTempDir } from './lib/temp-dir.js';
import { lineTime, type TrackedProcess } from './lib/tracked-process.js';

const POLL_MS = 2;
const STEP_TIMEOUT_MS = 20_000;

interface Run {
  readonly createTo200: number;
  readonly touchToSighupSent: number;
  readonly touchToSighupReceived: number;
  readonly touchToNewWorker: number;
  readonly rmToRefused: number;
}

interface Emperor {
  readonly label: string;
  readonly dir: string;
  readonly process: TrackedProcess;
  readonly runs: Run[];
}

async function oneRun(emperor: Emperor, name: string): Promise<Run> {
  const log = emperor.process;
  const from = log.lines.length;
  const created = Date.now();
  const file = writeVassal(emperor.dir, name, { kind: 'module', processes: 1 });
  const port = await vassalPort(log, name, from, STEP_TIMEOUT_MS);
  const first = await pollUntil(async () => pidInBody(await getOnce(port)), POLL_MS, STEP_TIMEOUT_MS, `${name} first 200`);
  const ready = await vassalState(log, name, 'ready', from, STEP_TIMEOUT_MS);
  const masterPid = Number(ready.masterPid);

  const beforeTouch = log.lines.length;
  const touched = Date.now();
  touch(file);
  const fresh = await pollUntil(async () => {
    const pid = pidInBody(await getOnce(port));
    return pid !== undefined && pid !== first.value ? pid : undefined;
  }, POLL_MS, STEP_TIMEOUT_MS, `${name} new worker`);
  const sent = await vassalState(log, name, 'reloading', beforeTouch, STEP_TIMEOUT_MS);
  const received = await log.watch(beforeTouch, (l) => (l.pid === masterPid && l.msg === 'signal received' && l.signal === 'SIGHUP' ? l : undefined), STEP_TIMEOUT_MS, 'SIGHUP received');
  await masterLine(log, masterPid, 'reload finished', beforeTouch, STEP_TIMEOUT_MS);
  await vassalState(log, name, 'ready', beforeTouch, STEP_TIMEOUT_MS);

  const beforeRm = log.lines.length;
  const removed = Date.now();
  unlinkSync(file);
  const refused = await pollUntil(async () => ((await connectOnce(port)) === 'refused' ? true : undefined), POLL_MS, STEP_TIMEOUT_MS, `${name} refused`);
  await vassalState(log, name, 'stopped', beforeRm, STEP_TIMEOUT_MS);
  return {
    createTo200: first.at - created,
    touchToSighupSent: lineTime(sent) - touched,
    touchToSighupReceived: lineTime(received) - touched,
    touchToNewWorker: fresh.at - touched,
    rmToRefused: refused.at - removed,
  };
}

export async function runReaction(options: BenchOptions): Promise<PartReport> {
  const runs = options.quick ? 10 : 20;
  const processes = new ProcessSet();
  return withTempDir('reaction', async (root) => {
    try {
      const emperors: Emperor[] = [];
      for (const [label, args] of [['defaults (settle-ms 25)', []], ['--settle-ms 5', ['--settle-ms', '5']]] as const) {
        const dir = `${root}/${emperors.length}`;
        mkdirSync(dir);
        const process = await startEmperor(processes, dir, args);
        const emperor = { label, dir, process, runs: [] };
        // a first vassal proves the watcher is up (the initial scan comes after it)
        await oneRun(emperor, 'warm-up.ini');
        emperors.push(emperor);
      }
      for (let i = 0; i < runs; i++) {
        for (const emperor of emperors) {
          if (i % 5 === 0) options.progress(`reaction: run ${i + 1}/${runs}, ${emperor.label}`);
          emperor.runs.push(await oneRun(emperor, `r${i}.ini`));
        }
      }
      return report(emperors, runs);
    } finally {
      await processes.stopAll(35_000);
    }
  });
}

function report(emperors: readonly Emperor[], runs: number): PartReport {
  const figures: [string, keyof Run][] = [
    ['file created → first HTTP 200', 'createTo200'],
    ['touch → SIGHUP sent (emperor log)', 'touchToSighupSent'],
    ['touch → SIGHUP received (master log)', 'touchToSighupReceived'],
    ['touch → first response from a new worker', 'touchToNewWorker'],
    ['rm → port refuses', 'rmToRefused'],
  ];
  const stats = (emperor: Emperor, key: keyof Run): Summary => summarize(emperor.runs.map((run) => run[key]));
  const rows = figures.flatMap(([label, key]) => emperors.map((emperor) => {
    const s = stats(emperor, key);
    return [label, emperor.label, fmt(s.p50, 0), fmt(s.p99, 0), fmt(s.max, 0)];
  }));
  const [defaults] = emperors;
  if (defaults === undefined) throw new Error('no emperor');
  const sighup = stats(defaults, 'touchToSighupSent');
  const fresh = stats(defaults, 'touchToNewWorker');
  const settle5 = emperors[1] === undefined ? null : stats(emperors[1], 'touchToSighupSent');
  const markdown = [
    `${runs} runs per emperor, each on a fresh vassal file (a 1-worker hello module vassal on 127.0.0.1:0). Times in ms, measured by the benchmark's clock (Date.now() just before the file operation) against the emperor's and master's pino timestamps (ms resolution) or the moment a probe succeeded (probes every ${POLL_MS} ms: a GET on a new connection, or a bare connect for "refuses"). With ${runs} runs, p99 is the maximum.`,
    '',
    table(['figure', 'emperor', 'p50 ms', 'p99 ms', 'max ms'], rows),
  ].join('\n');
  return {
    title: '3. Emperor reaction',
    markdown,
    targets: [
      { figure: 'touch → SIGHUP, p99 (default settings)', target: '< 20 ms', measured: `${fmt(sighup.p99, 0)} ms${settle5 ? ` (with --settle-ms 5: ${fmt(settle5.p99, 0)} ms)` : ''}`, met: sighup.p99 < 20 },
      { figure: 'touch → new worker answering, p99', target: '< 400 ms', measured: `${fmt(fresh.p99, 0)} ms`, met: fresh.p99 < 400 },
    ],
  };
}
