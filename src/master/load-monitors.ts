// Every timer that watches a master's load, started together at start and
// again with the new config after each reload: vassal-sos and die-on-idle
// (sos-monitor), the worker policies (policy-monitor), cheaper mode and idle
// with cheap (cheaper-monitor). One object owns them, so that a reload or a
// stop can never leave one running with an old config.
import type { VassalConfig } from '../config/vassal-config.js';
import type { Logger } from '../log/logger.js';
import { startCheaperMonitor, watchForWake } from './cheaper-monitor.js';
import { startPolicyMonitor } from './policy-monitor.js';
import type { HeldSocket } from './sockets.js';
import { startSosMonitor } from './sos-monitor.js';
import type { SosRequest } from './sos-check.js';
import type { WorkerPool } from './worker-pool.js';

/** What the monitors read from their master, and what they ask of it. */
export interface LoadMonitorDeps {
  readonly pool: WorkerPool;
  readonly sockets: () => readonly HeldSocket[];
  readonly log: Logger;
  /** broodlord: ask the emperor for reinforcements */
  readonly onSos: (request: SosRequest) => void;
  /** idle with die-on-idle: stop the master */
  readonly onIdleStop: (idleMs: number) => void;
}

type Stoppable = { stop(): void } | null;

export class LoadMonitors {
  private running: Stoppable[] = [];

  constructor(private readonly deps: LoadMonitorDeps) {}

  /** (Re)start every monitor the config asks for. */
  start(config: VassalConfig): void {
    this.stop();
    const { pool, log } = this.deps;
    // idle with cheap, and no worker runs (a reload while cheap): only the wake watch
    if (config.idleAction === 'cheap' && pool.counts().active === 0) return this.watchForWake(config);
    this.running = [
      config.cheaper === undefined ? null : startCheaperMonitor(config.cheaper, pool, log),
      startPolicyMonitor(config, log, {
        serving: () => pool.current().filter((worker) => worker.status === 'ready'),
        act: (worker, verdict) => pool.act(worker, verdict),
      }),
      startSosMonitor({
        config,
        pool,
        sockets: this.deps.sockets,
        log,
        onSos: this.deps.onSos,
        onIdle: (idleMs) => (config.idleAction === 'cheap' ? this.cheapen(config, idleMs) : this.deps.onIdleStop(idleMs)),
      }),
    ];
  }

  stop(): void {
    for (const monitor of this.running) monitor?.stop();
    this.running = [];
  }

  /** Idle with cheap: the workers stop, the sockets stay; the first connection waiting starts them again. */
  private cheapen(config: VassalConfig, idleMs: number): void {
    const { pool, log } = this.deps;
    log.info({ idleMs }, 'idle: workers stopped until the next connection');
    this.stop();
    pool.cheapenAll();
    this.watchForWake(config);
  }

  private watchForWake(config: VassalConfig): void {
    const { pool, log } = this.deps;
    this.running = [
      watchForWake(this.deps.sockets, config.listenBacklog, () => {
        // paused: the connection waits until the resume, and so does the wake
        if (pool.paused) return false;
        const started = pool.grow(config.cheaper?.initial ?? config.processes);
        log.info({ started }, 'connection waiting: workers started');
        this.start(config);
        return true;
      }),
    ];
  }
}
