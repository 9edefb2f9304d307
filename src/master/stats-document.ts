// The master's statistics document from plain facts (pure: no process, no
// file): uWSGI's field names and units, a status word per worker slot, and the
// totals that survive reloads. See src/stats/master-document.ts for the layout.
import type { AppSpec } from '../config/vassal-config.js';
import type { WorkerActivity } from '../ipc/protocol.js';
import type { CoreStatsDocument, MasterStatsDocument, SocketStatsDocument, WorkerStatsDocument, WorkerStatusWord } from '../stats/master-document.js';
import type { ProcessMemory } from './process-memory.js';

/** What the master knows about one worker slot or process. */
export interface WorkerFacts {
  readonly id: number;
  /** null: no process (a slot backing off, or a spawn that failed) */
  readonly pid: number | null;
  readonly generation: number;
  /** starting, ready, draining, exited */
  readonly state: string;
  readonly kind: AppSpec['kind'];
  readonly paused: boolean;
  /** epoch ms, 0 when it never ran */
  readonly spawnedAt: number;
  readonly respawns: number;
  /** requests cut by harakiri in this slot */
  readonly harakiris: number;
  /** the latest counts it reported (module workers), null when none yet or exec */
  readonly activity: WorkerActivity | null;
  /** its requests at the master's previous collection */
  readonly previousRequests: number;
  readonly memory: ProcessMemory | null;
}

/** What the master knows about itself. */
export interface MasterFacts {
  readonly version: string;
  readonly vassal: string;
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
  readonly cwd: string;
  readonly generation: number;
  readonly paused: boolean;
  readonly masterRss: number;
  /** epoch ms */
  readonly startedAt: number;
  readonly sockets: readonly SocketStatsDocument[];
  readonly workers: readonly WorkerFacts[];
  /** counts of the workers that exited */
  readonly retired: { readonly requests: number; readonly exceptions: number };
  /** the log file, undefined for stdout */
  readonly logFile?: string | undefined;
}

/** uWSGI's word: cheap (no process), pause, busy, idle. */
export function statusWord(facts: WorkerFacts): WorkerStatusWord {
  if (facts.pid === null || facts.state === 'exited') return 'cheap';
  if (facts.paused) return 'pause';
  return (facts.activity?.inflight ?? 0) > 0 ? 'busy' : 'idle';
}

function coreOf(requests: number, inflight: number): CoreStatsDocument {
  return {
    id: 0,
    requests,
    static_requests: 0,
    routed_requests: 0,
    offloaded_requests: 0,
    write_errors: 0,
    read_errors: 0,
    in_request: inflight > 0 ? 1 : 0,
    vars: [],
    req_info: {},
  };
}

/** One worker's entry; an exec worker's counters are 0 and `counted` false. */
export function workerDocument(facts: WorkerFacts): WorkerStatsDocument {
  const live = facts.pid !== null && facts.state !== 'exited';
  const a = live ? facts.activity : null;
  const requests = a?.requests ?? 0;
  const inflight = a?.inflight ?? 0;
  return {
    id: facts.id,
    pid: live ? (facts.pid ?? 0) : 0,
    accepting: live && facts.state === 'ready' && !facts.paused ? 1 : 0,
    requests,
    delta_requests: Math.max(0, requests - facts.previousRequests),
    exceptions: a?.exceptions ?? 0,
    harakiri_count: facts.harakiris,
    signals: 0,
    signal_queue: 0,
    status: statusWord(facts),
    rss: live ? (facts.memory?.rss ?? 0) : 0,
    vsz: live ? (facts.memory?.vsz ?? 0) : 0,
    running_time: a?.runningTimeUs ?? 0,
    last_spawn: Math.floor(facts.spawnedAt / 1000),
    respawn_count: facts.respawns,
    tx: a?.tx ?? 0,
    avg_rt: a?.avgRtUs ?? 0,
    apps: [],
    cores: [coreOf(requests, inflight)],
    generation: facts.generation,
    state: facts.state,
    kind: facts.kind,
    counted: facts.kind !== 'exec',
    in_flight: inflight,
    ...(a?.current && { current_request: { request: a.current.request, since_ms: a.current.since } }),
  };
}

/** The whole document: workers, sockets, and totals that include exited workers (monotonic). */
export function masterDocument(facts: MasterFacts): MasterStatsDocument {
  const workers = facts.workers.map(workerDocument);
  const sum = (pick: (w: WorkerStatsDocument) => number): number => workers.reduce((total, w) => total + pick(w), 0);
  return {
    version: facts.version,
    listen_queue: facts.sockets.reduce((total, socket) => total + socket.queue, 0),
    listen_queue_errors: 0,
    signal_queue: 0,
    load: sum((w) => w.in_flight),
    pid: facts.pid,
    uid: facts.uid,
    gid: facts.gid,
    cwd: facts.cwd,
    locks: [],
    sockets: facts.sockets,
    workers,
    vassal: facts.vassal,
    generation: facts.generation,
    paused: facts.paused,
    master_rss: facts.masterRss,
    total_requests: facts.retired.requests + sum((w) => w.requests),
    total_exceptions: facts.retired.exceptions + sum((w) => w.exceptions),
    started: Math.floor(facts.startedAt / 1000),
    ...(facts.logFile !== undefined && { log_file: facts.logFile }),
  };
}
