// Puts the master's statistics document together on demand: asks every live
// module worker for its counters (one message each), reads memory and the
// accept queues from /proc, and builds the document. Collections asked for
// while one is running share it, so a thousand scrapes at once cost the
// workers one activity request each, not a thousand.
import type { AppSpec } from '../config/vassal-config.js';
import { readFileSync } from 'node:fs';
import type { MasterStatsDocument, SocketStatsDocument } from '../stats/master-document.js';
import { ListenQueueReader, type ListenQueue } from './listen-queue.js';
import { processMemory, type ProcessMemory } from './process-memory.js';
import type { HeldSocket } from './sockets.js';
import { masterDocument, type WorkerFacts } from './stats-document.js';
import type { WorkerPool } from './worker-pool.js';
import type { Worker } from './worker.js';

/** How long a collection waits for a worker's counters (a busy loop answers late: its last counts are used). */
const ACTIVITY_TIMEOUT_MS = 1_000;

/** What the collector reads from its master each time (the config and sockets change on reload). */
export interface CollectorSource {
  readonly vassal: () => string;
  readonly pool: WorkerPool;
  readonly sockets: () => readonly HeldSocket[];
  readonly backlog: () => number;
  readonly kind: () => AppSpec['kind'];
  /** epoch ms the master started */
  readonly startedAt: number;
  /** where the master logs (logto), undefined for stdout */
  readonly logFile?: () => string | undefined;
}

let version: string | null = null;

/** uwemperor's version, from package.json (read once). */
function ourVersion(): string {
  if (version === null) {
    try {
      version = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown';
    } catch {
      version = 'unknown';
    }
  }
  return version;
}

export class StatsCollector {
  private inFlight: Promise<MasterStatsDocument> | null = null;
  /** each worker's requests at the previous collection, for delta_requests */
  private readonly previous = new WeakMap<Worker, number>();
  private readonly queues = new ListenQueueReader();

  constructor(private readonly source: CollectorSource) {}

  /** A fresh document, or the one being collected right now. */
  collect(): Promise<MasterStatsDocument> {
    if (this.inFlight === null) {
      this.inFlight = this.build().finally(() => (this.inFlight = null));
    }
    return this.inFlight;
  }

  private async build(): Promise<MasterStatsDocument> {
    const { pool } = this.source;
    const live = [...pool.current(), ...pool.others()].filter((w) => w.pid !== null && w.status !== 'exited');
    const sockets = this.source.sockets();
    // each answer lands in worker.lastActivity; a worker still starting listens to nobody yet
    const asked = Promise.all(live.filter((worker) => worker.status !== 'starting').map((worker) => worker.activity(ACTIVITY_TIMEOUT_MS)));
    const queues = this.queues.read(sockets, this.source.backlog());
    await asked;
    const memories = live.map((worker) => [worker, processMemory(worker.pid ?? 0)] as const);
    const masterMemory = processMemory(process.pid);
    // from here on synchronous: the workers, their counts and the retired totals are read in one tick
    const workers = this.workerFacts(new Map(memories));
    for (const worker of live) if (worker.lastActivity) this.previous.set(worker, worker.lastActivity.requests);
    return masterDocument({
      version: ourVersion(),
      vassal: this.source.vassal(),
      pid: process.pid,
      uid: process.getuid?.() ?? 0,
      gid: process.getgid?.() ?? 0,
      cwd: process.cwd(),
      generation: pool.generation,
      paused: pool.paused,
      masterRss: masterMemory?.rss ?? 0,
      startedAt: this.source.startedAt,
      sockets: sockets.map((socket, index) => socketDocument(socket, queues[index])),
      workers,
      retired: { ...pool.retired },
      logFile: this.source.logFile?.(),
    });
  }

  /** Every slot of the current generation (a process or none), then the starting and draining workers. */
  private workerFacts(memoryOf: ReadonlyMap<Worker, ProcessMemory | null>): WorkerFacts[] {
    const { pool } = this.source;
    const facts = (worker: Worker, respawns: number, harakiris: number): WorkerFacts => ({
      id: worker.id,
      pid: worker.pid,
      generation: worker.generation,
      state: worker.status,
      kind: worker.kind,
      paused: worker.paused,
      spawnedAt: worker.spawnedAt,
      respawns,
      harakiris,
      activity: worker.lastActivity,
      previousRequests: this.previous.get(worker) ?? 0,
      memory: memoryOf.get(worker) ?? null,
    });
    return [
      ...pool.slotViews().map((slot) => (slot.worker ? facts(slot.worker, slot.respawns, slot.harakiris) : this.emptySlot(slot.id, slot.respawns, slot.harakiris, slot.cheap))),
      ...pool.others().map((worker) => facts(worker, 0, 0)),
    ];
  }

  /** A slot with no process: backing off after a failure (uWSGI's "cheap"). */
  private emptySlot(id: number, respawns: number, harakiris: number, cheap: boolean): WorkerFacts {
    const { pool } = this.source;
    return { id, pid: null, generation: pool.generation, state: cheap ? 'cheap' : 'exited', kind: this.source.kind(), paused: pool.paused, spawnedAt: 0, respawns, harakiris, activity: null, previousRequests: 0, memory: null };
  }
}

/** One socket's entry: uWSGI's protocol name ("http", "uwsgi", "raw", as its sockets say) and its accept queue. */
function socketDocument(socket: HeldSocket, queue: ListenQueue | undefined): SocketStatsDocument {
  return {
    name: socket.where,
    proto: socket.spec.protocol,
    queue: queue?.queue ?? 0,
    max_queue: queue?.max_queue ?? 0,
    shared: 0,
    can_offload: 0,
  };
}
