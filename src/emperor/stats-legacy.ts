// Until the master sends its MasterStatsDocument over IPC, the emperor turns
// the older MasterStats reply into one, filling what it can. Removed when the
// master's document lands.
import type { MasterStats } from '../ipc/protocol.js';
import type { MasterStatsDocument, WorkerStatsDocument } from '../stats/master-document.js';

/** The master's reply as a document; unknown fields are 0. */
export function documentOf(stats: MasterStats, version: string): MasterStatsDocument {
  const workers = stats.workers.map(
    (w): WorkerStatsDocument => ({
      id: w.id,
      pid: w.pid,
      accepting: w.status === 'ready' || w.status === 'idle' || w.status === 'busy' ? 1 : 0,
      requests: w.requests ?? 0,
      delta_requests: 0,
      exceptions: 0,
      harakiri_count: 0,
      signals: 0,
      signal_queue: 0,
      status: w.status === 'busy' ? 'busy' : w.status === 'paused' ? 'pause' : 'idle',
      rss: w.rssBytes ?? 0,
      vsz: 0,
      running_time: 0,
      last_spawn: Math.floor(w.since / 1000),
      respawn_count: w.respawns,
      tx: 0,
      avg_rt: 0,
      apps: [],
      cores: [],
      generation: w.generation,
      state: w.status,
      kind: w.requests === null ? 'exec' : 'module',
      counted: w.requests !== null,
      in_flight: w.inflight ?? 0,
    }),
  );
  return {
    version,
    listen_queue: 0,
    listen_queue_errors: 0,
    signal_queue: 0,
    load: workers.reduce((sum, w) => sum + w.in_flight, 0),
    pid: stats.pid,
    uid: 0,
    gid: 0,
    cwd: '',
    locks: [],
    sockets: [],
    workers,
    vassal: stats.vassal,
    generation: stats.generation,
    paused: stats.paused,
    master_rss: stats.masterRssBytes ?? 0,
    total_requests: stats.totals.requests,
    total_exceptions: 0,
    started: 0,
  };
}
