// The rows of `uwemperor ls`, one per vassal, from the emperor's document:
// what `--json` prints as is and the table shows in human units. Figures a
// master did not give (no master, or no answer in time) are null, never 0.
import type { EmperorStatsDocument, VassalStatsDocument } from '../stats/emperor-document.js';
import type { MasterStatsDocument } from '../stats/master-document.js';
import type { Rates } from './stats-rates.js';

/** One vassal as `ls` shows it. */
export interface LsRow {
  readonly vassal: string;
  readonly state: string;
  /** while backing off: milliseconds until the next start, else null */
  readonly retry_in_ms: number | null;
  /** the master's pid, null without one */
  readonly pid: number | null;
  readonly uptime_ms: number | null;
  /** workers of the current generation that accept requests (uWSGI's `accepting`), and all of them */
  readonly workers_ready: number | null;
  readonly workers_total: number | null;
  /** every request the master's workers served (monotonic while the master lives) */
  readonly requests: number | null;
  /** only measured with `ls --rate` (two reads); absent otherwise */
  readonly req_per_s?: number | null;
  /** the master's RSS plus its workers', bytes */
  readonly rss_bytes: number | null;
  /** times the emperor started a new master for the vassal */
  readonly restarts: number;
  /** times the master respawned a worker, over all slots */
  readonly worker_respawns: number | null;
  /** whether the master answered the statistics request in time */
  readonly answered: boolean;
  /** heartbeat: epoch seconds of the master's last beat, null without one */
  readonly last_heartbeat: number | null;
  /** the last error, a failed reload, or "no answer" from a master that has a pid but did not answer */
  readonly error: string | null;
}

/** The rows, in the document's order; with `rates`, each row carries req_per_s. */
export function lsRows(document: EmperorStatsDocument, rates?: Rates): LsRow[] {
  return document.vassals.map((vassal) => lsRow(vassal, rates));
}

/** Whether a master's requests are counted at all: not when every worker is one uw does not count (an exec worker serves its socket itself). */
export function countsRequests(stats: MasterStatsDocument): boolean {
  return stats.workers.length === 0 || stats.workers.some((worker) => worker.counted);
}

/** One vassal's row. */
export function lsRow(vassal: VassalStatsDocument, rates?: Rates): LsRow {
  const stats = vassal.stats;
  const current = stats?.workers.filter((worker) => worker.generation === stats.generation) ?? null;
  return {
    vassal: vassal.id,
    state: vassal.state,
    retry_in_ms: vassal.retry_in_ms,
    pid: vassal.pid > 0 ? vassal.pid : null,
    uptime_ms: vassal.uptime_ms,
    workers_ready: current === null ? null : current.filter((worker) => worker.accepting === 1).length,
    workers_total: current === null ? null : current.length,
    requests: stats === null || !countsRequests(stats) ? null : stats.total_requests,
    ...(rates !== undefined && { req_per_s: rates.vassals.get(vassal.id) ?? null }),
    rss_bytes: stats === null ? null : stats.master_rss + stats.workers.reduce((sum, worker) => sum + worker.rss, 0),
    restarts: vassal.respawns,
    worker_respawns: stats === null ? null : stats.workers.reduce((sum, worker) => sum + worker.respawn_count, 0),
    answered: vassal.answered,
    last_heartbeat: vassal.last_heartbeat > 0 ? vassal.last_heartbeat : null,
    error: errorOf(vassal),
  };
}

/** What went wrong last, in one line. */
function errorOf(vassal: VassalStatsDocument): string | null {
  const reason = vassal.error ?? (vassal.reload_failed === null ? null : `reload failed: ${vassal.reload_failed}`);
  if (reason !== null) return reason.replace(/\s+/g, ' ').trim();
  if (vassal.pid > 0 && vassal.unanswered === 'SIGHUP') return 'no answer to SIGHUP';
  return vassal.pid > 0 && !vassal.answered ? 'no answer' : null;
}
