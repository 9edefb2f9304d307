// A master's statistics document for unit tests, with every field filled:
// give what the test is about, the rest is a plausible idle master.
import type { MasterStatsDocument, WorkerStatsDocument } from '../../src/stats/master-document.js';

/** One worker: idle, accepting, nothing served unless told. */
export function workerDocument(fields: Partial<WorkerStatsDocument> = {}): WorkerStatsDocument {
  return {
    id: 1, pid: 43, accepting: 1, requests: 0, delta_requests: 0, exceptions: 0, harakiri_count: 0, signals: 0, signal_queue: 0,
    status: 'idle', rss: 1000, vsz: 0, running_time: 0, last_spawn: 0, respawn_count: 0, tx: 0, avg_rt: 0, apps: [], cores: [],
    generation: 1, state: 'ready', kind: 'module', counted: true, in_flight: 0,
    ...fields,
  };
}

/** A master with `workers`; total_requests defaults to their sum. */
export function masterDocument(fields: Partial<MasterStatsDocument> = {}): MasterStatsDocument {
  const workers = fields.workers ?? [workerDocument()];
  return {
    version: 'test', listen_queue: 0, listen_queue_errors: 0, signal_queue: 0, load: 0, pid: 42, uid: 0, gid: 0, cwd: '/', locks: [], sockets: [],
    vassal: 'app.ini', generation: 1, paused: false, master_rss: 500, total_requests: workers.reduce((sum, w) => sum + w.requests, 0), total_exceptions: 0, started: 0,
    ...fields,
    workers,
  };
}
