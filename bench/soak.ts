// Part "soak": many graceful reloads back to back under light load (SIGHUP to
// the master, and every tenth a touch of the vassal file through the emperor),
// sampling the emperor's and the master's RSS and descriptors: zero failed
// requests, and both flat. `--reloads N` (default 10,000; --quick 200) and
// `--soak-minutes M` (default 12) bound it, whichever comes first.
import { existsSync, readFileSync } from 'node:fs';
import { startEmperor, touch, vassalState, writeVassal } from './lib/emperor.js';
import { withoutCa } from './lib/env.js';
import { startLoad, type RunningLoad } from './lib/load.js';
import { childrenOf, rssKb } from './lib/proc-stats.js';
import { ProcessSet } from './lib/process-set.js';
import type { BenchOptions, PartReport } from './lib/report.js';
import { sleep, withTempDir } from './lib/temp-dir.js';
import type { TrackedProcess } from './lib/tracked-process.js';
import { fdCount } from './chaos-procs.js';
import { reportSoak, type SoakResult, type SoakSample } from './soak-report.js';
import type { HeapFigures } from './lib/heap-probe.js';
import { ROOT } from './lib/paths.js';

const HEAP_PROBE = `${ROOT}dist/bench/lib/heap-probe.js`;

const RATE_PER_MODE = 50;
const TOUCH_EVERY = 10;

function argument(flag: string, fallback: number): number {
  const at = process.argv.indexOf(flag);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag}: expected a number > 0, got "${process.argv[at + 1]}"`);
  return value;
}

/** The heap probe's next line from `pid` (SIGPWR, see lib/heap-probe.ts), or null if none came within 2 s. */
async function heapOf(dir: string, pid: number): Promise<HeapFigures | null> {
  const file = `${dir}/.heap-${pid}.jsonl`;
  const lines = (): string[] => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : []);
  const before = lines().length;
  process.kill(pid, 'SIGPWR');
  for (const deadline = Date.now() + 2_000; Date.now() < deadline; await sleep(20)) {
    const now = lines();
    if (now.length > before) return JSON.parse(now.at(-1) ?? '') as HeapFigures;
  }
  return null;
}

async function sample(dir: string, reloads: number, emperor: number, master: number): Promise<SoakSample> {
  const [emperorHeap, masterHeap] = [await heapOf(dir, emperor), await heapOf(dir, master)];
  return {
    reloads, emperorRssKb: rssKb(emperor) ?? Number.NaN, emperorFds: fdCount(emperor) ?? Number.NaN, masterRssKb: rssKb(master) ?? Number.NaN, masterFds: fdCount(master) ?? Number.NaN,
    emperorHeapKb: emperorHeap?.heapTotalKb ?? Number.NaN, masterHeapKb: masterHeap?.heapTotalKb ?? Number.NaN,
    emperorLiveKb: emperorHeap?.liveKb ?? Number.NaN, masterLiveKb: masterHeap?.liveKb ?? Number.NaN,
  };
}

/** A sample once the old workers have drained and been reaped (the master has exactly its 2 children again). */
async function settledSample(dir: string, reloads: number, emperor: number, master: number): Promise<SoakSample> {
  for (const deadline = Date.now() + 10_000; childrenOf(master).length !== 2 && Date.now() < deadline; ) await sleep(20);
  return sample(dir, reloads, emperor, master);
}

/** Reload `masterPid` one reload after another until `asked` are done or `endAt` passes. */
async function reloadLoop(dir: string, emperor: TrackedProcess, masterPid: number, file: string, asked: number, endAt: number, options: BenchOptions): Promise<Omit<SoakResult, 'loads' | 'elapsedMs' | 'rate'>> {
  const every = Math.max(1, Math.floor(asked / 250));
  const samples: SoakSample[] = [await sample(dir, 0, emperor.pid, masterPid)];
  let done = 0;
  let touches = 0;
  let failedReloads = 0;
  while (done < asked && Date.now() < endAt) {
    const from = emperor.lines.length;
    const byTouch = done % TOUCH_EVERY === TOUCH_EVERY - 1;
    if (byTouch) touch(file);
    else process.kill(masterPid, 'SIGHUP');
    const finished = (msg: unknown): boolean => msg === 'reload finished' || String(msg).startsWith('reload failed');
    const line = await emperor.watch(from, (l) => (l.pid === masterPid && finished(l.msg) ? l : undefined), 60_000, `reload ${done + 1} finished`);
    if (line.msg !== 'reload finished') failedReloads += 1;
    done += 1;
    if (byTouch) touches += 1;
    if (done % every === 0) samples.push(await settledSample(dir, done, emperor.pid, masterPid));
    if (done % 500 === 0) options.progress(`soak: ${done} reloads`);
    // the master's own lines are not needed once read: keep the bench's memory flat too
    if (emperor.lines.length > 10_000) emperor.lines.splice(0, emperor.lines.length - 1_000);
  }
  if (samples.at(-1)?.reloads !== done) samples.push(await settledSample(dir, done, emperor.pid, masterPid));
  return { asked, done, touches, failedReloads, samples };
}

/** The soak part: an emperor, one vassal, reloads until the count or the time is reached. */
export async function runSoak(options: BenchOptions): Promise<PartReport> {
  const asked = argument('--reloads', options.quick ? 200 : 10_000);
  const minutes = argument('--soak-minutes', 12);
  return withTempDir('soak', async (dir) => {
    const processes = new ProcessSet();
    const loads: { mode: string; load: RunningLoad }[] = [];
    try {
      // without the CA bundle every worker boots faster: more reloads in the time
      // and with the heap probe in the emperor and its masters (their workers load it too, idle)
      const base = withoutCa();
      const env = { ...base, NODE_OPTIONS: `${base.NODE_OPTIONS ?? ''} --expose-gc --import=${HEAP_PROBE}`.trim(), UW_HEAP_PROBE_DIR: dir };
      const emperor = await startEmperor(processes, dir, [], env);
      const file = writeVassal(dir, 'soak.ini', { kind: 'module', processes: 2 });
      const ready = await vassalState(emperor, 'soak.ini', 'ready', 0, 30_000);
      const socket = emperor.lines.find((l) => l.msg === 'socket bound' && l.vassal === 'soak.ini');
      const port = Number(String(socket?.where).split(':').pop());
      for (const mode of ['keep-alive', 'new-connection'] as const) {
        // bounded past the soak's own end (an open-ended load gives up waiting for its result after 10 min)
        const load = startLoad(processes, { port, connections: 4, mode, durationMs: (minutes + 2) * 60_000, ratePerSec: RATE_PER_MODE, timeoutMs: 30_000 });
        // awaited by stop(); until then a failure must not be an unhandled rejection that kills the bench
        load.result.catch(() => undefined);
        loads.push({ mode, load });
      }
      await sleep(2_000);
      const started = Date.now();
      options.progress(`soak: up to ${asked} reloads in at most ${minutes} min`);
      const run = await reloadLoop(dir, emperor, Number(ready.masterPid), file, asked, started + minutes * 60_000, options);
      const elapsedMs = Date.now() - started;
      await sleep(1_000);
      const results = await Promise.all(loads.map(async ({ mode, load }) => ({ mode, result: await load.stop() })));
      return reportSoak({ ...run, elapsedMs, loads: results, rate: 2 * RATE_PER_MODE });
    } finally {
      await Promise.all(loads.map(({ load }) => load.stop().catch(() => undefined)));
      await processes.stopAll(35_000);
    }
  });
}
