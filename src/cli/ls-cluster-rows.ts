// The rows of `uwemperor ls --cluster`: one per vassal per host, from the
// status keys the emperors write (PREFIX/status/HOST-ID/NAME), in the shape
// of `uwemperor ls` rows plus the host and the age of the record. Pure.
import { parseStatusRecord } from '../emperor/etcd/status-record.js';
import type { LsRow } from './ls-rows.js';

/** One vassal on one host, as `ls --cluster` shows it. */
export interface ClusterRow extends LsRow {
  readonly host: string;
  /** milliseconds since the host wrote this record (it writes only on change) */
  readonly updated_ms_ago: number;
}

/** A key and its value as listed from etcd. */
export interface ListedKey {
  readonly key: string;
  readonly value: string;
}

/** The rows, by host then vassal; keys that are not status records an emperor writes are left out. */
export function clusterRows(statusPrefix: string, keys: readonly ListedKey[], nowMs: number): ClusterRow[] {
  const rows: ClusterRow[] = [];
  for (const { key, value } of keys) {
    if (!key.startsWith(statusPrefix)) continue;
    const [host, vassal, ...rest] = key.slice(statusPrefix.length).split('/');
    const record = parseStatusRecord(value);
    if (host === undefined || vassal === undefined || rest.length > 0 || host === '' || vassal === '' || record === null) continue;
    rows.push({
      host,
      vassal,
      state: record.state,
      retry_in_ms: null,
      pid: record.pid,
      uptime_ms: record.started_at === null ? null : Math.max(0, nowMs - record.started_at),
      workers_ready: record.workers_ready,
      workers_total: record.workers_total,
      requests: record.requests,
      rss_bytes: record.rss_bytes,
      restarts: record.restarts,
      worker_respawns: null,
      answered: true,
      last_heartbeat: null,
      error: record.error,
      updated_ms_ago: Math.max(0, nowMs - record.updated_at),
    });
  }
  return rows.sort((a, b) => compare(a.host, b.host) || compare(a.vassal, b.vassal));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
