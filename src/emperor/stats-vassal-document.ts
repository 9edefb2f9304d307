// One vassal's entry in the emperor's statistics document: uWSGI's fields
// (epoch seconds, 0 for "never") from what the emperor knows, then ours, with
// the master's own document when it answered. Pure.
import type { MasterStatsDocument } from '../stats/master-document.js';
import type { VassalStatsDocument } from '../stats/emperor-document.js';
import type { VassalHistorySnapshot } from './stats-vassal-history.js';
import type { VassalStatus } from './vassal.js';

/** What the emperor knows about one vassal at collection time. */
export interface VassalFacts {
  readonly status: VassalStatus;
  readonly history: VassalHistorySnapshot;
  /** the vassal file's mtime, epoch ms (null: the file is gone) */
  readonly lastModMs: number | null;
  /** the watched path (directory, glob or file) the file was found under */
  readonly monitor: string;
  /** the master's document, null when it did not answer in time or there is no master */
  readonly stats: MasterStatsDocument | null;
  readonly nowMs: number;
}

/** States in which the master serves (or its old workers do, while it reloads). */
const SERVING = new Set(['ready', 'reloading', 'failing']);

const seconds = (ms: number | null): number => (ms === null ? 0 : Math.floor(ms / 1000));
const flag = (value: boolean): 0 | 1 => (value ? 1 : 0);

/** The vassal's entry: uWSGI's layout, then ours. */
export function vassalDocument(facts: VassalFacts): VassalStatsDocument {
  const { status, history, stats } = facts;
  const running = status.masterPid !== null;
  const ready = running && history.loyalMs !== null && SERVING.has(status.state);
  const accepting = ready && (stats === null ? status.state !== 'paused' : stats.workers.some((worker) => worker.accepting === 1));
  return {
    id: status.vassal,
    pid: status.masterPid ?? 0,
    born: running ? seconds(history.lastRunMs) : 0,
    last_mod: seconds(facts.lastModMs),
    last_heartbeat: seconds(status.lastHeartbeatMs ?? null),
    loyal: flag(running && history.loyalMs !== null),
    ready: flag(ready),
    accepting: flag(accepting),
    last_loyal: running ? seconds(history.loyalMs) : 0,
    last_ready: seconds(history.lastReadyMs),
    last_accepting: seconds(history.lastReadyMs),
    first_run: seconds(history.firstRunMs),
    last_run: seconds(history.lastRunMs),
    cursed: 0,
    zerg: flag(status.zergOf !== undefined),
    on_demand: '',
    suspended: flag(status.state === 'paused'),
    adopted: 0,
    uid: stats?.uid ?? 0,
    gid: stats?.gid ?? 0,
    monitor: facts.monitor,
    respawns: history.respawns,
    state: status.state,
    error: status.error,
    reload_failed: status.reloadFailed,
    retry_in_ms: history.retryAtMs === null ? null : Math.max(0, history.retryAtMs - facts.nowMs),
    failures: status.failures,
    uptime_ms: status.uptimeMs,
    answered: stats !== null,
    unanswered: status.unanswered ?? null,
    stats,
  };
}
