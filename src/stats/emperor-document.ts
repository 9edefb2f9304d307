// The emperor's statistics document, in uWSGI's emperor-stats layout
// (core/emperor.c, emperor_send_stats) plus our own fields under names uWSGI
// does not use. Served on the control socket and on `stats = ADDR`, read by
// `uwemperor ls`, `stats` and `top`, and turned into Prometheus metrics.
import type { MasterStatsDocument } from './master-document.js';

/** One vassal: uWSGI's fields, then ours. */
export interface VassalStatsDocument {
  /** the vassal's identity, e.g. "app.ini" or "team/app.ini" */
  readonly id: string;
  /** the master's pid, 0 without one */
  readonly pid: number;
  /** epoch seconds the current master was spawned, 0 without one */
  readonly born: number;
  /** epoch seconds of the vassal file's last modification */
  readonly last_mod: number;
  /** heartbeat: epoch seconds of the current master's last beat, 0 without one */
  readonly last_heartbeat: number;
  /** 1 once the master has been ready (uWSGI: served its first request) */
  readonly loyal: 0 | 1;
  readonly ready: 0 | 1;
  readonly accepting: 0 | 1;
  readonly last_loyal: number;
  readonly last_ready: number;
  readonly last_accepting: number;
  readonly first_run: number;
  readonly last_run: number;
  readonly cursed: 0;
  /** 1 for a zerg instance started by broodlord */
  readonly zerg: 0 | 1;
  readonly on_demand: '';
  readonly suspended: 0 | 1;
  readonly adopted: 0;
  readonly uid: number;
  readonly gid: number;
  /** the watched path the file was found under */
  readonly monitor: string;
  readonly respawns: number;
  // ours
  /** the emperor's state for the vassal: starting, running, reloading, backoff, broken, failing, paused, stopping */
  readonly state: string;
  /** the last error (config error, crash reason), or null */
  readonly error: string | null;
  /** why the last reload failed (the old workers still serve), or null */
  readonly reload_failed: string | null;
  /** milliseconds until the next start attempt while backing off, or null */
  readonly retry_in_ms: number | null;
  /** consecutive failed starts */
  readonly failures: number;
  /** milliseconds since the current master was spawned, or null */
  readonly uptime_ms: number | null;
  /** whether the master answered the statistics request in time; false: a hung master, or none */
  readonly answered: boolean;
  /** what the master last failed to answer in time (a statistics request, a SIGHUP), null once it answers again */
  readonly unanswered?: 'stats-request' | 'SIGHUP' | null;
  /** the master's latest document (at most 1 s old), or null when it did not answer */
  readonly stats: MasterStatsDocument | null;
}

/** The emperor's whole document. */
export interface EmperorStatsDocument {
  readonly version: string;
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
  readonly cwd: string;
  /** the watched directories and globs */
  readonly emperor: readonly string[];
  readonly emperor_tyrant: 0;
  readonly throttle_level: number;
  readonly vassals: readonly VassalStatsDocument[];
  /** vassals that are broken or backing off, as uWSGI lists its blacklist */
  readonly blacklist: readonly { readonly id: string; readonly throttle_level: number; readonly attempt: number; readonly first_attempt: number; readonly last_attempt: number }[];
  // ours
  /** epoch ms the collection was made (documents are shared by scrapes for up to 1 s) */
  readonly collected_ms: number;
}
