// Fixture documents for the stats commands' tests: an emperor's document built
// from a few overrides, complete per the types (what a real emperor serves).
import type { EmperorStatsDocument, VassalStatsDocument } from '../../src/stats/emperor-document.js';
import type { MasterStatsDocument, WorkerStatsDocument } from '../../src/stats/master-document.js';

const MiB = 1024 * 1024;

/** A ready module worker with `requests` served. */
export function worker(id: number, pid: number, overrides: Partial<WorkerStatsDocument> = {}): WorkerStatsDocument {
  return {
    id, pid, accepting: 1, requests: 0, delta_requests: 0, exceptions: 0, harakiri_count: 0, signals: 0, signal_queue: 0,
    status: 'idle', rss: 20 * MiB, vsz: 900 * MiB, running_time: 0, last_spawn: 1_800_000_000, respawn_count: 0, tx: 0,
    avg_rt: 1200, apps: [], cores: [], generation: 1, state: 'ready', kind: 'module', counted: true, in_flight: 0,
    ...overrides,
  };
}

/** A master with the given workers; total_requests is their sum unless overridden. */
export function master(vassal: string, pid: number, workers: readonly WorkerStatsDocument[], overrides: Partial<MasterStatsDocument> = {}): MasterStatsDocument {
  return {
    version: '0.1.0', listen_queue: 0, listen_queue_errors: 0, signal_queue: 0, load: 0, pid, uid: 1000, gid: 1000, cwd: '/srv',
    locks: [], sockets: [{ name: '127.0.0.1:8080', proto: 'http', queue: 0, max_queue: 511, shared: 0, can_offload: 0 }],
    workers, vassal, generation: 1, paused: false, master_rss: 30 * MiB,
    total_requests: workers.reduce((sum, w) => sum + w.requests, 0), total_exceptions: 0, started: 1_800_000_000,
    ...overrides,
  };
}

/** A ready vassal (give `stats: null` and a state for the others). */
export function vassal(id: string, pid: number, stats: MasterStatsDocument | null, overrides: Partial<VassalStatsDocument> = {}): VassalStatsDocument {
  return {
    id, pid, born: 1_800_000_000, last_mod: 1_799_999_000, last_heartbeat: 0, loyal: 1, ready: 1, accepting: 1,
    last_loyal: 0, last_ready: 0, last_accepting: 0, first_run: 0, last_run: 0, cursed: 0, zerg: 0, on_demand: '',
    suspended: 0, adopted: 0, uid: 1000, gid: 1000, monitor: '/srv/vassals', respawns: 0,
    state: 'ready', error: null, reload_failed: null, retry_in_ms: null, failures: 0, uptime_ms: 300_000,
    answered: stats !== null, stats,
    ...overrides,
  };
}

/** The emperor's document around `vassals`, collected at `collectedMs`. */
export function emperor(vassals: readonly VassalStatsDocument[], collectedMs = 1_800_000_300_000): EmperorStatsDocument {
  return {
    version: '0.1.0', pid: 100, uid: 0, gid: 0, cwd: '/', emperor: ['/srv/vassals'], emperor_tyrant: 0, throttle_level: 0,
    vassals, blacklist: [], collected_ms: collectedMs,
  };
}

/** Three vassals: a busy one with two workers, a broken one, one whose master did not answer. */
export function threeVassals(collectedMs?: number, requests: readonly [number, number] = [6000, 4000]): EmperorStatsDocument {
  return emperor([
    vassal('api.ini', 201, master('api.ini', 201, [worker(1, 202, { requests: requests[0] }), worker(2, 203, { requests: requests[1], status: 'busy', in_flight: 1, current_request: { request: 'GET /slow', since_ms: 1_800_000_297_000 } })])),
    vassal('broken.ini', 0, null, { state: 'broken', uptime_ms: null, loyal: 0, ready: 0, accepting: 0, error: 'config error in broken.ini: unknown option "proceses" (did you mean "processes"?) [UW_CONFIG_UNKNOWN_OPTION]' }),
    vassal('hung.ini', 301, null, { uptime_ms: 7_200_000, respawns: 2 }),
  ], collectedMs);
}
