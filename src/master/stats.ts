// The log lines SIGUSR1 and SIGUSR2 print, from the master's statistics
// document: one line per worker, and (SIGUSR1) a totals line. In those lines
// `pid` is only ever the master's (pino's base field), a worker's is
// `workerPid`, and every time is an ISO string, as pino's own `time`.
import type { Logger } from '../log/logger.js';
import type { MasterStatsDocument, WorkerStatsDocument } from '../stats/master-document.js';
import type { StatsCollector } from './stats-collector.js';

/** Which lines a signal asks for: `stats` (SIGUSR1) or `status` (SIGUSR2). */
export type StatsReport = 'stats' | 'status';

/** Collect the statistics and log them as `report` asks. */
export async function logStats(report: StatsReport, collector: StatsCollector, log: Logger): Promise<void> {
  const doc = await collector.collect();
  for (const line of statsLines(report, doc)) log.info(line.fields, line.msg);
}

/** One log line: a fixed message and its fields. */
export interface StatsLine {
  readonly msg: string;
  readonly fields: Record<string, unknown>;
}

/** The lines for `report`: per worker, then (for stats) the totals. */
export function statsLines(report: StatsReport, doc: MasterStatsDocument): StatsLine[] {
  if (report === 'status') return doc.workers.map((w) => ({ msg: 'worker status', fields: { ...workerFields(w), status: w.status, state: w.state } }));
  const perWorker = doc.workers.map((w) => ({
    msg: 'worker stats',
    fields: {
      ...workerFields(w),
      status: w.status,
      state: w.state,
      ...(w.counted && { requests: w.requests, exceptions: w.exceptions, inflight: w.in_flight, tx: w.tx, avgRtUs: w.avg_rt }),
      rssBytes: w.rss,
      respawns: w.respawn_count,
    },
  }));
  const { generation, paused } = doc;
  const sum = (pick: (w: WorkerStatsDocument) => number): number => doc.workers.reduce((total, w) => total + pick(w), 0);
  const totals = {
    generation,
    paused,
    workers: doc.workers.length,
    requests: doc.total_requests,
    exceptions: doc.total_exceptions,
    rssBytes: sum((w) => w.rss),
    respawns: sum((w) => w.respawn_count),
    listenQueue: doc.listen_queue,
    masterRssBytes: doc.master_rss,
  };
  return [...perWorker, { msg: 'stats', fields: totals }];
}

function workerFields(w: WorkerStatsDocument): Record<string, unknown> {
  const doing = w.current_request ? { request: w.current_request.request, requestSince: new Date(w.current_request.since_ms).toISOString() } : {};
  return { worker: w.id, workerPid: w.pid, generation: w.generation, since: new Date(w.last_spawn * 1000).toISOString(), ...doing };
}
