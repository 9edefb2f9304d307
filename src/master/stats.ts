// Statistics of a master's workers (SIGUSR1, and the emperor's stats-request):
// per worker pid, status, requests served, RSS and respawns, plus totals; and
// the log lines SIGUSR1 and SIGUSR2 print from them. In those lines `pid` is
// only ever the master's (pino's base field), a worker's is `workerPid`, and
// every time is an ISO string, as pino's own `time`.
import { readFileSync } from 'node:fs';
import type { MasterStats, WorkerStats } from '../ipc/protocol.js';
import type { Logger } from '../log/logger.js';
import type { WorkerPool } from './worker-pool.js';
import type { Worker } from './worker.js';

const ACTIVITY_TIMEOUT_MS = 1_000;

/** Resident set size of a process from /proc (null when it is gone or not Linux). */
export function rssBytes(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? null : Number(match[1]) * 1024;
  } catch {
    return null;
  }
}

/** What a worker is doing, in words: "ready", "paused", "busy", "draining"... */
export function statusOf(worker: Worker, inflight: number | null): string {
  if (worker.paused) return 'paused';
  if (worker.status === 'ready' && inflight !== null && inflight > 0) return 'busy';
  if (worker.status === 'ready') return inflight === null ? 'ready' : 'idle';
  return worker.status;
}

/** Ask every live worker for its counters and put the statistics together. */
export async function collectStats(vassal: string, pool: WorkerPool): Promise<MasterStats> {
  const workers: WorkerStats[] = await Promise.all(
    pool.all().map(async (worker) => {
      const activity = await worker.activity(ACTIVITY_TIMEOUT_MS);
      return {
        id: worker.id,
        pid: worker.pid,
        generation: worker.generation,
        status: statusOf(worker, activity?.inflight ?? null),
        since: worker.since,
        requests: activity?.requests ?? null,
        inflight: activity?.inflight ?? null,
        rssBytes: rssBytes(worker.pid),
        respawns: pool.respawnsOf(worker),
        ...(activity?.current && { current: activity.current }),
      };
    }),
  );
  const sum = (pick: (w: WorkerStats) => number | null): number => workers.reduce((total, w) => total + (pick(w) ?? 0), 0);
  return {
    vassal,
    pid: process.pid,
    generation: pool.generation,
    paused: pool.paused,
    workers,
    totals: { requests: sum((w) => w.requests), rssBytes: sum((w) => w.rssBytes), respawns: sum((w) => w.respawns) },
    masterRssBytes: rssBytes(process.pid),
  };
}

/** Which lines a signal asks for: `stats` (SIGUSR1) or `status` (SIGUSR2). */
export type StatsReport = 'stats' | 'status';

/** Collect the statistics and log them as `report` asks. */
export async function logStats(report: StatsReport, vassal: string, pool: WorkerPool, log: Logger): Promise<void> {
  const stats = await collectStats(vassal, pool);
  for (const line of statsLines(report, stats)) log.info(line.fields, line.msg);
}

/** One log line: a fixed message and its fields. */
export interface StatsLine {
  readonly msg: string;
  readonly fields: Record<string, unknown>;
}

/** The lines for `report`: per worker, then (for stats) the totals. */
export function statsLines(report: StatsReport, stats: MasterStats): StatsLine[] {
  if (report === 'status') return stats.workers.map((w) => ({ msg: 'worker status', fields: { ...workerFields(w), status: w.status } }));
  const perWorker = stats.workers.map((w) => ({
    msg: 'worker stats',
    fields: { ...workerFields(w), status: w.status, requests: w.requests, inflight: w.inflight, rssBytes: w.rssBytes, respawns: w.respawns },
  }));
  const { generation, paused, totals, masterRssBytes } = stats;
  return [...perWorker, { msg: 'stats', fields: { generation, paused, workers: stats.workers.length, ...totals, masterRssBytes } }];
}

function workerFields(w: WorkerStats): Record<string, unknown> {
  const doing = w.current ? { request: w.current.request, requestSince: new Date(w.current.since).toISOString() } : {};
  return { worker: w.id, workerPid: w.pid, generation: w.generation, since: new Date(w.since).toISOString(), ...doing };
}
