// The rows of `uwemperor ls --cluster`: one per vassal per host, from the
// status keys the emperors write (PREFIX/status/HOST-ID/PATH, PATH the vassal's key), in the shape
// of `uwemperor ls` rows plus the host and the age of the record. Pure.
import { HOST_ID_PATTERN } from '../emperor/etcd/etcd-settings.js';
import { vassalOfStatusPath } from '../emperor/etcd/key-layout.js';
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

/** The rows, by host then vassal; keys that are not status records an emperor writes (bad host id or name) are left out. */
export function clusterRows(statusPrefix: string, keys: readonly ListedKey[], nowMs: number): ClusterRow[] {
  const rows: ClusterRow[] = [];
  for (const { key, value } of keys) {
    if (!key.startsWith(statusPrefix)) continue;
    const below = key.slice(statusPrefix.length);
    const host = below.slice(0, below.indexOf('/'));
    const vassal = HOST_ID_PATTERN.test(host) ? vassalOfStatusPath(host, below.slice(host.length + 1)) : null;
    const record = vassal === null ? null : parseStatusRecord(value);
    if (vassal === null || record === null) continue;
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
