// The master's workers, by generation. The current generation serves; a reload
// starts the next one beside it and switches only once every new worker is
// ready, then retires the old ones (drain, or kill when brutal); a chain
// reload replaces one slot at a time instead (chain-reload.ts). A current
// worker that dies is respawned in its slot with the config it was started
// with (slots differ after a chain that stopped), with back-off if it dies young.
// A failure (dead before ready, not ready in time, or not started at all) is
// reported through `onFailing`, and `onRecovered` once every slot serves again.
import type { Logger } from '../log/logger.js';
import type { VassalConfig } from '../config/vassal-config.js';
import { runChain } from './chain-reload.js';
import { launchWorker, type RetiredCounts } from './launch-worker.js';
import { nextRespawn, WORKER_RESPAWN_BACKOFF } from './respawn-backoff.js';
import { bootAtLowerPriority } from './boot-priority.js';
import { bootInTurns } from './boot-in-turns.js';
import type { HeldSocket } from './sockets.js';
import type { Worker } from './worker.js';
import type { PolicyVerdict } from './worker-policy.js';

/** graceful: a whole new generation, then the old one drains; brutal: the old one is killed; chain: one slot at a time */
export type ReloadMode = 'graceful' | 'brutal' | 'chain';
/** graceful: finish in-flight requests (SIGKILL after the mercy); brutal: SIGKILL now */
export type StopMode = 'graceful' | 'brutal';
export type ReloadOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** A slot whose worker failed and is backing off. */
export interface FailureReport {
  readonly error: string;
  readonly failures: number;
  readonly retryInMs: number;
}

/** What the pool tells its master about failing and recovering slots. */
export interface PoolEvents {
  readonly onFailing: (report: FailureReport) => void;
  readonly onRecovered: () => void;
  /** a worker of the first generation found the config unfit for its app: respawning cannot help */
  readonly onConfigError: (error: string) => void;
}

interface Slot {
  worker: Worker | null;
  /** what its worker is started with: the same for every slot, except after a chain that stopped */
  config: VassalConfig;
  generation: number;
  failures: number;
  respawns: number;
  /** requests cut by harakiri in this slot */
  harakiris: number;
  timer: NodeJS.Timeout | null;
  /** no recycle before this (epoch ms): a replacement that failed is not retried every second */
  recycleAfter: number;
  /** cheaper mode (or idle with cheap) left it without a worker on purpose: not refilled */
  cheap: boolean;
}

function newSlot(worker: Worker | null, config: VassalConfig, generation: number, cheap = false): Slot {
  return { worker, config, generation, failures: 0, respawns: 0, harakiris: 0, timer: null, recycleAfter: 0, cheap };
}

/** After a recycle's replacement failed, the old worker serves this long before the next attempt. */
const RECYCLE_RETRY_MS = 30_000;

export class WorkerPool {
  generation = 0;
  paused = false;
  /** what exited workers had counted (their final report, or the last one the master saw) */
  readonly retired: RetiredCounts = { requests: 0, exceptions: 0 };
  private slots: Slot[] = [];
  private readonly retiring = new Set<Worker>();
  /** replacements started by a recycle, not yet ready */
  private readonly replacing = new Set<Worker>();
  private starting: Worker[] = [];
  /** a chain reload runs: no recycle, grow or shrink meanwhile (at most N+1 workers) */
  private chaining = false;
  private stopping = false;
  private onFirstReady: (() => void) | null = null;
  /** a slot failed since every slot last served */
  private failing = false;

  constructor(
    private config: VassalConfig,
    private sockets: readonly HeldSocket[],
    private readonly log: Logger,
    private readonly events: PoolEvents,
  ) {}

  /** Start generation 1; resolves when all its workers are ready for the first time. */
  start(): Promise<void> {
    this.generation = 1;
    const active = this.config.cheaper?.initial ?? this.config.processes;
    this.slots = Array.from({ length: this.config.processes }, (_, index) => newSlot(null, this.config, 1, index >= active));
    return new Promise((resolve) => {
      this.onFirstReady = resolve;
      this.slots.forEach((slot, index) => slot.cheap || this.spawnInSlot(index));
    });
  }

  /** Once every slot holds a ready worker: the master is ready (the first time), or recovered. */
  private checkAllReady(): void {
    const active = this.slots.filter((slot) => !slot.cheap);
    if (active.length === 0 || !active.every((slot) => slot.worker?.readyAt != null)) return;
    if (this.onFirstReady) {
      this.onFirstReady();
      this.onFirstReady = null;
    }
    if (this.failing) {
      this.failing = false;
      this.log.info({ generation: this.generation }, 'workers recovered');
      this.events.onRecovered();
    }
  }

  /** Every live worker: current, starting (next generation) and retiring; not one whose spawn failed. */
  all(): (Worker & { readonly pid: number })[] {
    return [...this.current(), ...this.starting, ...this.replacing, ...this.retiring].filter((worker): worker is Worker & { readonly pid: number } => worker.pid !== null);
  }

  current(): Worker[] {
    return this.slots.flatMap((slot) => (slot.worker ? [slot.worker] : []));
  }

  /** Every slot of the current generation, with its worker or none (backing off), and its respawns. */
  slotViews(): { readonly id: number; readonly worker: Worker | null; readonly respawns: number; readonly harakiris: number; readonly cheap: boolean }[] {
    return this.slots.map((slot, index) => ({ id: index + 1, worker: slot.worker, respawns: slot.respawns, harakiris: slot.harakiris, cheap: slot.cheap }));
  }

  /** Slots that hold (or are refilling) a worker, and slots left empty on purpose. */
  counts(): { readonly active: number; readonly cheap: number } {
    const cheap = this.slots.filter((slot) => slot.cheap).length;
    return { active: this.slots.length - cheap, cheap };
  }

  /** Start workers in up to `n` cheap slots (cheaper mode, FIFO +, a wake after idle); returns how many. */
  grow(n: number): number {
    // during a chain reload the number of workers holds still (at most N+1); cheaper mode asks again later
    if (this.stopping || this.paused || this.chaining) return 0;
    let started = 0;
    this.slots.forEach((slot, index) => {
      if (started >= n || !slot.cheap) return;
      slot.cheap = false;
      slot.failures = 0;
      started += 1;
      this.spawnInSlot(index);
    });
    if (started > 0) this.log.info({ started, active: this.counts().active }, 'workers added');
    return started;
  }

  /** Retire the worker of the last active slot gracefully, keeping at least `min`; false if none could go. */
  shrink(min: number): boolean {
    if (this.stopping || this.chaining || this.counts().active <= min) return false;
    const slot = this.slots.findLast((each) => !each.cheap);
    if (slot === undefined) return false;
    this.cheapen(slot);
    this.log.info({ worker: this.slots.indexOf(slot) + 1, active: this.counts().active }, 'worker retired (cheaper)');
    return true;
  }

  /** Idle with cheap: every worker drains and exits; the sockets stay open for the wake. */
  cheapenAll(): void {
    for (const slot of this.slots) if (!slot.cheap) this.cheapen(slot);
  }

  private cheapen(slot: Slot): void {
    slot.cheap = true;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    const worker = slot.worker;
    slot.worker = null;
    if (worker !== null) this.retire(worker, 'graceful');
  }

  /** Workers of the next generation still starting, replacements being started, and old ones still draining. */
  others(): Worker[] {
    return [...this.starting, ...this.replacing, ...this.retiring];
  }

  /** A worker policy's verdict on a current worker: kill it now (harakiri, worker-heartbeat) or replace it gracefully (recycle). */
  act(worker: Worker, verdict: PolicyVerdict): void {
    const slot = this.slots[worker.id - 1];
    if (slot?.worker !== worker || this.stopping || worker.status !== 'ready') return;
    if (verdict.action === 'harakiri') {
      slot.harakiris += 1;
      const { request, runningMs, inflight, blocked } = verdict;
      const facts = { request, runningMs, inflight, blocked };
      // the others in flight on it are lost by necessity: the count says how many
      this.log.error({ worker: worker.id, workerPid: worker.pid, ...facts, lost: facts.inflight, ...(this.config.policies.harakiriVerbose && { stderr: worker.stderrText() }) }, 'harakiri: request too long, worker killed');
      worker.harakiri();
      return;
    }
    if (verdict.action === 'unresponsive') {
      this.log.error({ worker: worker.id, workerPid: worker.pid, blockedMs: verdict.blockedMs, limitMs: this.config.policies.workerHeartbeatMs }, 'worker-heartbeat: event loop blocked, worker killed');
      worker.harakiri('unresponsive');
      return;
    }
    this.recycle(slot, worker, verdict.reason);
  }

  /** Replace `worker` with a new one, ready first, then drain it: capacity never drops. One recycle at a time. */
  private recycle(slot: Slot, worker: Worker, reason: string): void {
    if (this.chaining || this.replacing.size > 0 || this.starting.length > 0 || this.paused || Date.now() < slot.recycleAfter) return;
    this.log.info({ worker: worker.id, workerPid: worker.pid, reason }, 'worker recycle started');
    const fresh = this.spawnBeside(worker.id, slot.generation, slot.config, this.sockets);
    this.replacing.add(fresh);
    void fresh.ready.then(
      () => {
        this.replacing.delete(fresh);
        // a reload, a stop or the old worker's death came first: the slot is no longer this one's to take
        if (slot.worker !== worker || !this.slots.includes(slot) || this.stopping) return void fresh.stop('abort', 'SIGKILL', 0);
        slot.worker = fresh;
        void fresh.exited.then(() => this.onCurrentExit(slot, fresh));
        this.log.info({ worker: worker.id, workerPid: fresh.pid, replaced: worker.pid, reason }, 'worker recycled');
        this.retire(worker, 'graceful');
      },
      () => {
        this.replacing.delete(fresh);
        slot.recycleAfter = Date.now() + RECYCLE_RETRY_MS;
        this.log.warn({ worker: worker.id, workerPid: worker.pid, reason: fresh.failure(), retryInMs: RECYCLE_RETRY_MS }, 'worker recycle failed, the old worker keeps serving');
      },
    );
  }

  respawnsOf(worker: Worker): number {
    return this.slots[worker.id - 1]?.worker === worker ? (this.slots[worker.id - 1]?.respawns ?? 0) : 0;
  }

  /** True when every slot's worker is started with `config` (not so after a chain that stopped). */
  runsOnly(config: VassalConfig): boolean {
    return this.slots.every((slot) => slot.config === config);
  }

  private spawnInSlot(index: number): Worker {
    const slot = this.slots[index];
    if (!slot) throw new Error(`no worker slot ${index + 1}`);
    const worker = this.spawn(index + 1, slot.generation, slot.config, this.sockets);
    slot.worker = worker;
    void worker.ready.then(() => this.checkAllReady(), () => undefined);
    void worker.exited.then(() => this.onCurrentExit(slot, worker));
    return worker;
  }

  private spawn(id: number, generation: number, config: VassalConfig, sockets: readonly HeldSocket[], beside = false): Worker {
    return launchWorker(id, generation, config, sockets, this.log, this.retired, beside);
  }

  /** A worker that boots while others serve: at a lower CPU priority until it is ready (reload-nice). */
  private spawnBeside(id: number, generation: number, config: VassalConfig, sockets: readonly HeldSocket[]): Worker {
    const worker = this.spawn(id, generation, config, sockets, true);
    bootAtLowerPriority(worker, config.reloadNice);
    return worker;
  }

  private onCurrentExit(slot: Slot, worker: Worker): void {
    if (slot.worker !== worker) return; // retired meanwhile: not ours to replace
    slot.worker = null;
    if (this.stopping || !worker.refill || slot.cheap) return;
    if (worker.appError?.configError === true && this.onFirstReady !== null) return this.events.onConfigError(worker.failure());
    const readyFor = worker.readyAt === null || worker.endReason === 'ready-timeout' ? null : Date.now() - worker.readyAt;
    const decision = nextRespawn(WORKER_RESPAWN_BACKOFF, slot.failures, readyFor);
    slot.failures = decision.failures;
    const reason = worker.failure();
    this.log.warn({ worker: worker.id, workerPid: worker.pid, delayMs: decision.delayMs, failures: decision.failures, reason }, 'worker respawn scheduled');
    slot.timer = setTimeout(() => {
      slot.timer = null;
      this.respawn(slot);
    }, decision.delayMs);
    // a worker that had served for a while died once: replaced at once, not a failing vassal
    if (decision.failures > 0) {
      this.failing = true;
      this.events.onFailing({ error: reason, failures: decision.failures, retryInMs: decision.delayMs });
    }
  }

  private respawn(slot: Slot): void {
    if (this.stopping || slot.worker !== null || slot.cheap || !this.slots.includes(slot)) return;
    // while paused, a respawn waits for the resume (see resume())
    if (this.paused) return;
    slot.respawns += 1;
    this.spawnInSlot(this.slots.indexOf(slot));
  }

  /** Start the next generation with `config`; switch to it only when all of it is ready. */
  async reload(config: VassalConfig, sockets: readonly HeldSocket[], mode: ReloadMode): Promise<ReloadOutcome> {
    if (this.stopping) return { ok: false, reason: 'the master is stopping' };
    if (mode === 'chain') return this.chain(config, sockets);
    const generation = this.generation + 1;
    const fresh: Worker[] = [];
    this.starting = fresh;
    try {
      // reload-boot-limit at a time, while the old generation serves
      await bootInTurns(this.activeAfterReload(config), config.reloadBootLimit, (index) => this.spawnBeside(index + 1, generation, config, sockets), fresh, () => !this.stopping);
    } catch (err) {
      this.starting = [];
      await Promise.all(fresh.map((worker) => worker.stop('abort', 'SIGKILL', 0)));
      return { ok: false, reason: (err as Error).message };
    }
    // the old generation accepts beside the ready new one a moment (reload-overlap), so that the new workers'
    // first connections do not all come at once; a stop meanwhile drains both (the new ones are still `starting`)
    const overlapMs = Math.min(config.reloadOverlapMs, config.workerReloadMercyMs / 4);
    if (mode === 'graceful' && overlapMs > 0 && !this.stopping) await new Promise((resolve) => setTimeout(resolve, overlapMs));
    this.starting = [];
    if (this.stopping) {
      await Promise.all(fresh.map((worker) => worker.stop('stop', 'SIGKILL', 0)));
      return { ok: false, reason: 'the master is stopping' };
    }
    const old = this.current();
    for (const slot of this.slots) if (slot.timer) clearTimeout(slot.timer);
    this.generation = generation;
    this.config = config;
    this.sockets = sockets;
    this.slots = Array.from({ length: config.processes }, (_, index) => newSlot(fresh[index] ?? null, config, generation, index >= fresh.length));
    this.failing = false;
    fresh.forEach((worker, index) => {
      const slot = this.slots[index];
      if (slot) void worker.exited.then(() => this.onCurrentExit(slot, worker));
    });
    // within a quarter of the mercy: the spread must never be what gets an old worker killed
    const spreadMs = Math.min(config.reloadSpreadMs, config.workerReloadMercyMs / 4);
    for (const worker of old) this.retire(worker, mode, spreadMs);
    return { ok: true };
  }

  /** As many workers as now (cheaper mode, or none after idle with cheap), within the new config's bounds. */
  private activeAfterReload(config: VassalConfig): number {
    const active = this.counts().active;
    if (active === 0 && this.slots.length > 0 && config.idleAction === 'cheap') return 0;
    if (config.cheaper === undefined) return config.processes;
    return Math.min(config.processes, Math.max(config.cheaper.min, active));
  }

  /** One slot at a time, with the sockets held now (the master falls back to a graceful reload when they change). */
  private async chain(config: VassalConfig, sockets: readonly HeldSocket[]): Promise<ReloadOutcome> {
    this.chaining = true;
    try {
      const outcome = await this.runChain(config, sockets);
      // slots left empty by cheaper mode start their next worker with the new config
      if (outcome.ok) for (const slot of this.slots.filter((each) => each.cheap)) Object.assign(slot, { config, generation: this.generation });
      return outcome;
    } finally {
      this.chaining = false;
    }
  }

  private runChain(config: VassalConfig, sockets: readonly HeldSocket[]): Promise<ReloadOutcome> {
    const generation = this.generation + 1;
    return runChain({
      // only slots with a worker: one cheaper mode left empty stays so
      order: this.slots.flatMap((slot, index) => (slot.cheap ? [] : [index])),
      generation,
      log: this.log,
      stopping: () => this.stopping,
      settled: async () => {
        // a recycle started before the chain ends first (its old worker then retires)
        await Promise.allSettled([...this.replacing].map((worker) => worker.ready));
        await Promise.all([...this.retiring].map((worker) => worker.exited));
      },
      boot: (index) => {
        const worker = this.spawnBeside(index + 1, generation, config, sockets);
        this.starting = [worker];
        return worker;
      },
      swap: (index, worker) => {
        this.starting = [];
        const slot = this.slots[index];
        if (!slot) return null;
        if (slot.timer) clearTimeout(slot.timer);
        const old = slot.worker;
        const fresh = newSlot(worker, config, generation);
        this.slots[index] = fresh;
        this.generation = generation;
        this.config = config;
        this.sockets = sockets;
        void worker.exited.then(() => this.onCurrentExit(fresh, worker));
        if (old) this.retire(old, 'graceful');
        this.checkAllReady();
        return old?.pid ?? null;
      },
      discard: (worker) => {
        this.starting = [];
        void worker.stop('abort', 'SIGKILL', 0);
      },
    });
  }

  private retire(worker: Worker, mode: ReloadMode, spreadMs = 0): void {
    this.retiring.add(worker);
    // a worker that never got ready (a crash loop being replaced) has nothing to finish
    const done = mode === 'brutal' || worker.readyAt === null
      ? worker.stop('brutal', 'SIGKILL', 0)
      : worker.drain('reload', this.config.workerReloadMercyMs, () => this.log.warn({ worker: worker.id, workerPid: worker.pid }, 'worker drain timed out, killed'), spreadMs);
    void done.then(() => this.retiring.delete(worker));
  }

  /** Stop every worker for good; resolves once all have exited. */
  async stopAll(mode: StopMode, mercyMs: number): Promise<void> {
    this.stopping = true;
    for (const slot of this.slots) if (slot.timer) clearTimeout(slot.timer);
    await Promise.all(
      this.all().map((worker) =>
        // a worker that never got ready has nothing to finish
        (mode === 'brutal' || worker.readyAt === null
          ? worker.stop('stop', 'SIGKILL', 0)
          : worker.drain('stop', mercyMs, () => this.log.warn({ worker: worker.id, workerPid: worker.pid, mercyMs }, 'worker stop timed out, killed'))
        ).then(() => worker.exited), // after its 'worker exited' line
      ),
    );
  }

  /** During a stop: SIGKILL every worker still running (stopAll resolves as they exit). */
  killAll(): void {
    for (const worker of this.all()) void worker.stop('stop', 'SIGKILL', 0);
  }

  pause(): void {
    this.paused = true;
    for (const worker of [...this.current(), ...this.starting, ...this.replacing]) worker.pause();
  }

  resume(): void {
    this.paused = false;
    for (const worker of this.all()) worker.resume();
    for (const slot of this.slots) if (slot.worker === null && slot.timer === null) this.respawn(slot);
  }
}
