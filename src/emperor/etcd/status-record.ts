// What an emperor writes under PREFIX/status/HOST-ID/PATH for each vassal it
// runs: the figures of `uwemperor ls`, from the same statistics document, in
// a form that changes only when something an operator would notice changed
// (start time instead of uptime, RSS to the MiB), so that it is rewritten
// only on change. Pure.
import { lsRow } from '../../cli/ls-rows.js';
import type { VassalStatsDocument } from '../../stats/emperor-document.js';
import { jsonObject } from './json-object.js';

/** The status key's JSON value. */
export interface StatusRecord {
  readonly state: string;
  /** the master's pid on its host, null without one */
  readonly pid: number | null;
  /** the master's workers accept requests (what a handover waits for) */
  readonly serving: boolean;
  /** epoch ms the current master was spawned, null without one */
  readonly started_at: number | null;
  readonly workers_ready: number | null;
  readonly workers_total: number | null;
  readonly requests: number | null;
  /** master plus workers, rounded to the MiB */
  readonly rss_bytes: number | null;
  readonly restarts: number;
  readonly error: string | null;
  /** epoch ms of this write */
  readonly updated_at: number;
}

const MIB = 1024 * 1024;
const MAX_ERROR_CHARS = 512;

/** The record for one vassal of the emperor's document, written at `nowMs`. */
export function statusRecord(vassal: VassalStatsDocument, nowMs: number): StatusRecord {
  const row = lsRow(vassal);
  return {
    state: vassal.state,
    pid: row.pid,
    serving: vassal.accepting === 1,
    started_at: row.uptime_ms === null ? null : Math.round((nowMs - row.uptime_ms) / 1000) * 1000,
    workers_ready: row.workers_ready,
    workers_total: row.workers_total,
    requests: row.requests,
    rss_bytes: row.rss_bytes === null ? null : Math.round(row.rss_bytes / MIB) * MIB,
    restarts: row.restarts,
    error: row.error === null ? null : row.error.slice(0, MAX_ERROR_CHARS),
    updated_at: nowMs,
  };
}

/** Whether two records differ in anything but their write time. */
export function statusChanged(previous: StatusRecord | undefined, next: StatusRecord): boolean {
  if (previous === undefined) return true;
  return JSON.stringify({ ...previous, updated_at: 0 }) !== JSON.stringify({ ...next, updated_at: 0 });
}

/** The status key of the vassal whose key below `prefix` (which ends with '/') is `path`, on `hostId`. */
export function statusKey(prefix: string, hostId: string, path: string): string {
  return `${prefix}status/${hostId}/${path}`;
}

/** A status value read back (by `ls --cluster`, by a handover); null when it is not one an emperor writes. */
export function parseStatusRecord(value: string): StatusRecord | null {
  const record = jsonObject(value);
  if (record === null) return null;
  if (typeof record.state !== 'string' || typeof record.updated_at !== 'number') return null;
  const num = (key: string): number | null => (typeof record[key] === 'number' && Number.isFinite(record[key]) ? record[key] : null);
  return {
    state: record.state.slice(0, 32),
    pid: num('pid'),
    serving: record.serving === true,
    started_at: num('started_at'),
    workers_ready: num('workers_ready'),
    workers_total: num('workers_total'),
    requests: num('requests'),
    rss_bytes: num('rss_bytes'),
    restarts: num('restarts') ?? 0,
    error: typeof record.error === 'string' ? record.error.slice(0, MAX_ERROR_CHARS) : null,
    updated_at: record.updated_at,
  };
}
