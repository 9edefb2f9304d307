// Part "logs": what capturing a worker's output costs its master. A worker
// prints N MiB of 100-byte lines as fast as its pipe takes them; the master's
// CPU time (/proc/PID/stat utime+stime) from just before the request to when
// it has written everything, per MiB. uw writes each line as a JSON record
// (attributed: vassal, worker, pid, generation, stream) to its logto file or
// to stdout (a pipe to /dev/null here); side by side, uWSGI 2.0 with a Python
// app printing the same lines: --logto alone (each process writes the file
// itself: the master does nothing) and --logto with --log-master (the master
// reads the workers' pipe and writes the file, as uw's does).
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { get } from 'node:http';
import { fmt, table } from './lib/format.js';
import { freePort } from '../test/helpers/free-port.js';
import { APPS, ROOT, UW_BIN } from './lib/paths.js';
import { cpuSeconds } from './lib/proc-stats.js';
import { ProcessSet } from './lib/process-set.js';
import type { BenchOptions, PartReport } from './lib/report.js';
import { median } from './lib/stats.js';
import { sleep, withTempDir } from './lib/temp-dir.js';

type Variant = 'uw → file' | 'uw → stdout (/dev/null)' | 'uWSGI --logto' | 'uWSGI --logto --log-master';

interface Started {
  readonly port: number;
  readonly pid: number;
  /** the file written, null for stdout */
  readonly file: string | null;
}

/** GET `path`, resolving with the status once the body has arrived. */
function request(port: number, path: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

async function waitServing(port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await request(port, '/', 1_000).catch(() => 0)) === 200) return;
    if (Date.now() > deadline) throw new Error(`nothing serves on ${port} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

function hasUwsgiPython(): boolean {
  try {
    execFileSync('uwsgi', ['--plugin', 'python3', '--version'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

async function start(processes: ProcessSet, variant: Variant, dir: string): Promise<Started> {
  const port = await freePort();
  const file = variant === 'uw → stdout (/dev/null)' ? null : `${dir}/${variant.replace(/\W+/g, '-')}.log`;
  let pid: number;
  if (variant.startsWith('uw ')) {
    const args = [UW_BIN, '--http-socket', `127.0.0.1:${port}`, '--module', `${APPS}log-flood.js`, '--processes', '1', ...(file === null ? [] : ['--logto', file])];
    // exec'ed by sh: the pid is the master's, its stdout /dev/null
    pid = processes.spawn(variant, 'sh', ['-c', 'exec "$@" >/dev/null', 'sh', process.execPath, ...args]).pid;
  } else {
    const app = `${ROOT}bench/apps/log-flood.py`;
    const args = ['--plugin', 'python3', '--master', '--http-socket', `127.0.0.1:${port}`, '--processes', '1', '--wsgi-file', app, '--disable-logging', '--logto', file ?? '', ...(variant.endsWith('--log-master') ? ['--log-master'] : [])];
    pid = processes.spawn(variant, 'uwsgi', args).pid;
  }
  await waitServing(port);
  return { port, pid, file };
}

/** Sample the master's CPU until it has not moved for `quietMs` (it has written everything). */
async function settledCpu(pid: number, file: string | null, quietMs = 300): Promise<number> {
  let last = -1;
  let size = -1;
  for (;;) {
    const cpu = cpuSeconds(pid);
    const now = file !== null && existsSync(file) ? statSync(file).size : 0;
    if (cpu === last && now === size) return cpu;
    [last, size] = [cpu, now];
    await sleep(quietMs);
  }
}

/** One flood: the master's CPU per MiB that reached the destination, how much did, and how the request ended. */
interface Flood {
  readonly msPerMiB: number;
  /** MiB the file grew by (uw: JSON records; stdout: taken as the MiB printed) */
  readonly writtenMiB: number;
  readonly outcome: string;
}

async function measure(started: Started, mb: number): Promise<Flood> {
  const before = await settledCpu(started.pid, started.file, 100);
  const sizeBefore = started.file === null ? 0 : statSync(started.file).size;
  // uWSGI's log-master pipe is non-blocking: a flooding Python worker gets BlockingIOError and the request fails
  const outcome = await request(started.port, `/flood?mb=${mb}`, 300_000).then((status) => (status === 200 ? 'ok' : `HTTP ${status}`), (err: Error) => err.message);
  const after = await settledCpu(started.pid, started.file);
  const writtenMiB = started.file === null ? mb : (statSync(started.file).size - sizeBefore) / (1024 * 1024);
  // per MiB printed when the whole flood went through (uw's JSON records are ~2.5x the printed bytes); else per MiB that got through
  const per = outcome === 'ok' ? mb : Math.max(writtenMiB, 1 / 1024);
  return { msPerMiB: ((after - before) * 1000) / per, writtenMiB, outcome };
}

/** The part: each variant started once, floods interleaved over rounds, medians. */
export async function runLogs(options: BenchOptions): Promise<PartReport> {
  const mb = options.quick ? 20 : 100;
  const rounds = options.quick ? 1 : 3;
  const peers = hasUwsgiPython();
  const variants: Variant[] = ['uw → file', 'uw → stdout (/dev/null)', ...(peers ? (['uWSGI --logto', 'uWSGI --logto --log-master'] as const) : [])];
  const samples = new Map<Variant, Flood[]>(variants.map((variant) => [variant, []]));
  await withTempDir('logs', async (dir) => {
    const processes = new ProcessSet();
    try {
      const servers = new Map<Variant, Started>();
      for (const variant of variants) servers.set(variant, await start(processes, variant, dir));
      for (let round = 0; round < rounds; round++) {
        for (const variant of variants) {
          options.progress(`logs: ${variant}, round ${round + 1}/${rounds}, ${mb} MiB`);
          samples.get(variant)?.push(await measure(servers.get(variant) as Started, mb));
        }
      }
    } finally {
      await processes.stopAll();
    }
  });
  const rows = variants.map((variant) => {
    const floods = samples.get(variant) ?? [];
    const outcomes = [...new Set(floods.map((flood) => flood.outcome))].join('; ');
    return [variant, fmt(median(floods.map((flood) => flood.msPerMiB)), 1), floods.map((flood) => fmt(flood.msPerMiB, 1)).join(', '), fmt(median(floods.map((flood) => flood.writtenMiB)), 1), outcomes];
  });
  const note = peers ? '' : '\n\nuWSGI with its python3 plugin is not installed here: no side-by-side figure.';
  return {
    title: 'Log capture',
    markdown: `A worker prints ${mb} MiB of 100-byte lines as fast as its pipe takes them; the master's CPU (utime+stime) per MiB printed (per MiB that reached the file when the flood failed), median of ${rounds} round(s); how much the file grew (uw writes each line as a JSON record), and how the flood's request ended.\n\n${table(['master', 'CPU ms per MiB', 'rounds', `file growth, MiB (${mb} printed)`, 'request'], rows)}${note}`,
    targets: [],
  };
}
