// Part 4, scale: N vassals (one worker each, module or exec kind) under one
// emperor: time until all are ready, emperor RSS, PSS per vassal, CPU while
// idle, touch -> SIGHUP with all running, time to stop all. A memory guard
// skips (or aborts) a size this machine cannot hold without starving others.
import { realPython } from './lib/python.js';
import { isEmperorLine, startEmperor, touch, vassalState, writeVassal, type VassalKind } from './lib/emperor.js';
import { getOnce } from './lib/http-probe.js';
import { cpuSeconds, cpuSecondsOf, descendantsOf, isAlive, memAvailableKb, rssKb, taskLimits } from './lib/proc-stats.js';
import { ProcessSet } from './lib/process-set.js';
import { APPS } from './lib/paths.js';
import type { BenchOptions, PartReport } from './lib/report.js';
import { reportScale, type ScaleResult } from './scale-report.js';
import { portOf } from './lib/servers.js';
import { summarize } from './lib/stats.js';
import { sleep, withTempDir } from './lib/temp-dir.js';
import { lineTime, type TrackedProcess } from './lib/tracked-process.js';
import { emperorTreeMemory } from './lib/vassal-tree.js';

/** Keep this much memory free for everyone else on the machine. */
const RESERVE_KB = 3 * 1024 * 1024;
/** First guesses per vassal before one size was measured. */
const FIRST_GUESS_KB = 24 * 1024;
const FIRST_GUESS_THREADS = 22;

const name = (i: number): string => `v${String(i).padStart(4, '0')}.ini`;

/** Resolves with Date.now() once `n` distinct vassals reached ready; rejects if memory runs low. */
function allReady(emperor: TrackedProcess, n: number, timeoutMs: number, half: (at: number) => void): Promise<number> {
  const ready = new Set<unknown>();
  const counted = emperor.watch(0, (line) => {
    if (!isEmperorLine(line) || line.msg !== 'vassal state' || line.to !== 'ready') return undefined;
    ready.add(line.vassal);
    if (ready.size === Math.ceil(n / 2)) half(Date.now());
    return ready.size >= n ? Date.now() : undefined;
  }, timeoutMs, `${n} vassals ready`).catch((err: Error) => {
    throw new Error(`${err.message} (${ready.size} of ${n} were ready)`);
  });
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      if (memAvailableKb() < RESERVE_KB / 2) reject(new Error(`aborted at ${ready.size} ready: MemAvailable below ${RESERVE_KB / 2048} MiB`));
    }, 500);
  });
  return Promise.race([counted, guard]).finally(() => clearInterval(timer));
}

async function servingCount(emperor: TrackedProcess): Promise<number> {
  const ports = emperor.lines.filter((line) => !isEmperorLine(line) && line.msg === 'socket bound').map((line) => portOf(line.where));
  let ok = 0;
  for (let i = 0; i < ports.length; i += 16) {
    const answers = await Promise.all(ports.slice(i, i + 16).map((port) => getOnce(port, 5_000)));
    ok += answers.filter((answer) => 'status' in answer && answer.status === 200).length;
  }
  return ok;
}

async function touchToSighup(emperor: TrackedProcess, dir: string, n: number, samples: number): Promise<number[]> {
  const out: number[] = [];
  for (let k = 0; k < samples; k++) {
    const vassal = name(Math.floor((k * n) / samples));
    const from = emperor.lines.length;
    const touched = Date.now();
    touch(`${dir}/${vassal}`);
    const sent = await vassalState(emperor, vassal, 'reloading', from, 20_000);
    out.push(lineTime(sent) - touched);
    await vassalState(emperor, vassal, 'ready', from, 30_000);
  }
  return out;
}

/** SIGINT to the emperor; ms until the emperor and every process under it are gone. */
async function stopAll(emperor: TrackedProcess): Promise<{ ms: number; leftovers: number }> {
  const tree = [emperor.pid, ...descendantsOf(emperor.pid)];
  const started = Date.now();
  emperor.signal('SIGINT');
  const deadline = started + 90_000;
  while (tree.some(isAlive) && Date.now() < deadline) await sleep(10);
  return { ms: Date.now() - started, leftovers: tree.filter(isAlive).length };
}

/** One size of one kind; `estimateKb` (PSS per vassal) decides whether it fits in memory. */
export interface ScaleRequest {
  readonly kind: VassalKind;
  readonly n: number;
  /** PSS per vassal expected, kB */
  readonly estimateKb: number;
  /** threads per vassal expected (master + worker); each takes a PID */
  readonly estimateThreads?: number;
  /** the exec worker's command line */
  readonly exec: string;
  /** the emperor's environment (and so its masters' and workers'), and its name in the tables */
  readonly env?: NodeJS.ProcessEnv;
  readonly variant?: string;
}

/** One size of one kind; `estimateKb` (PSS per vassal) decides whether it fits in memory. */
export async function scaleRun(options: BenchOptions, request: ScaleRequest): Promise<ScaleResult> {
  const { kind, n, estimateKb, exec } = request;
  const variant = request.variant ?? 'default';
  const needKb = n * estimateKb;
  const tasks = taskLimits();
  const needTasks = n * (request.estimateThreads ?? FIRST_GUESS_THREADS);
  if (tasks.inUse + needTasks > tasks.max * 0.85) return { kind, n, variant, skipped: `would need ~${needTasks} threads (PIDs); ${tasks.inUse} of ${tasks.max} are in use` };
  if (needKb > memAvailableKb() - RESERVE_KB) return { kind, n, variant, skipped: `would need ~${(needKb / 1048576).toFixed(1)} GiB (${(estimateKb / 1024).toFixed(1)} MiB per vassal), MemAvailable is ${(memAvailableKb() / 1048576).toFixed(1)} GiB and ${RESERVE_KB / 1048576} GiB stay free` };
  const idleMs = options.quick ? 4_000 : 30_000;
  const settleMs = 10_000;
  return withTempDir(`scale-${kind}-${n}`, async (dir) => {
    for (let i = 0; i < n; i++) writeVassal(dir, name(i), { kind, processes: 1, exec });
    const processes = new ProcessSet();
    try {
      const started = Date.now();
      let halfAt = Number.NaN;
      const emperor = await startEmperor(processes, dir, [], request.env);
      // a vassal costs ~0.5 s of CPU to start at scale on 2 cores: 0.6 s each leaves room for a slower machine
      const readyAt = await allReady(emperor, n, 30_000 + n * 600, (at) => (halfAt = at));
      options.progress(`scale: ${n} ${kind} vassals ready in ${((readyAt - started) / 1000).toFixed(1)} s`);
      const serving = await servingCount(emperor);
      const emperorRssAfterStart = rssKb(emperor.pid) ?? Number.NaN;
      const tree = descendantsOf(emperor.pid);
      const startCpu = { emperor: cpuSeconds(emperor.pid), perVassal: cpuSecondsOf(tree) / n };
      // a node process that just started collects and shrinks its heap (V8's memory reducer) ~8 s later
      await sleep(settleMs);
      const memory = emperorTreeMemory(emperor.pid);
      const before = { emperor: cpuSeconds(emperor.pid), tree: cpuSecondsOf(tree), at: Date.now() };
      await sleep(idleMs);
      const seconds = (Date.now() - before.at) / 1000;
      const idle = { seconds, emperorPct: ((cpuSeconds(emperor.pid) - before.emperor) / seconds) * 100, treePct: ((cpuSecondsOf(tree) - before.tree) / seconds) * 100 };
      const emperorRssAfterIdle = rssKb(emperor.pid) ?? Number.NaN;
      options.progress(`scale: ${n} ${kind}: touch -> SIGHUP`);
      const touches = summarize(await touchToSighup(emperor, dir, n, options.quick ? 10 : 20));
      const stop = await stopAll(emperor);
      return { kind, n, variant, readyMs: readyAt - started, halfMs: halfAt - started, serving, startCpu, emperorRssAfterStart, emperorRssAfterIdle, memory, settleMs, idle, touches, stopMs: stop.ms, leftovers: stop.leftovers };
    } catch (err) {
      return { kind, n, variant, skipped: `failed: ${(err as Error).message}` };
    } finally {
      await processes.stopAll(60_000);
    }
  });
}

export async function runScale(options: BenchOptions): Promise<{ report: PartReport; results: ScaleResult[] }> {
  const sizes = options.quick ? [100] : [100, 500, 1000];
  const kinds: VassalKind[] = options.quick ? ['module'] : ['module', 'exec'];
  const python = realPython();
  // -S: no site-packages (the server needs only the standard library); a pyenv python's site costs ~0.4 s per start here
  const exec = `${python} -S ${APPS.replace('dist/bench/apps/', 'bench/apps/')}fd3-server.py`;
  const results: ScaleResult[] = [];
  for (const kind of kinds) {
    let estimateKb = FIRST_GUESS_KB;
    let estimateThreads = FIRST_GUESS_THREADS;
    for (const n of sizes) {
      options.progress(`scale: ${n} ${kind} vassals`);
      const result = await scaleRun(options, { kind, n, estimateKb, estimateThreads, exec });
      if ('memory' in result) {
        estimateKb = (result.memory.masters.pssKb + result.memory.workers.pssKb) / result.n;
        estimateThreads = (result.memory.masters.threads + result.memory.workers.threads) / result.n;
      }
      results.push(result);
    }
  }
  return { report: reportScale(results, { python, exec, quick: options.quick }), results };
}
