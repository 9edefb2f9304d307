// The master of one vassal: loads the config, binds the sockets, runs the
// workers, and turns signals, touch-reload and the emperor's messages into
// reloads, pauses, statistics and the final stop.
import type { ConfigRequest } from '../config/load.js';
import { loadConfig } from '../config/load.js';
import type { VassalConfig } from '../config/vassal-config.js';
import { CONFIG_ERROR_EXIT_CODE, describeError } from '../errors.js';
import { dispatch, type EmperorToMaster, type MasterToEmperor, type MessageHandlers } from '../ipc/protocol.js';
import { createLogger, destinationOf, type Logger } from '../log/logger.js';
import { openVassalDestination } from '../log/vassal-destination.js';
import { removePidfile, rewritePidfile, writePidfile } from '../process/pidfile.js';
import { MasterFifo } from './master-fifo.js';
import { installSignalHandlers, STOP_COMMANDS, type MasterCommand } from './signals.js';
import { prepareForExec, releaseSocket, type HeldSocket } from './sockets.js';
import { ReadyConfigs } from './ready-configs.js';
import { chainFallback, coalesceReload, type ConfigSource, type ReloadRequest } from './reload-request.js';
import { logStats } from './stats.js';
import { StatsCollector } from './stats-collector.js';
import { StatsEndpoint } from './stats-endpoint.js';
import { watchTouchReload } from './touch-reload.js';
import { WorkerPool, type ReloadMode, type StopMode } from './worker-pool.js';
import { LoadMonitors } from './load-monitors.js';
import { HeartbeatSender } from './heartbeat-sender.js';
import { acquireSockets, resocket, type SocketChange } from './zerg.js';
import { announceSockets, closeUnusedKept, requestKeptSockets } from './kept-sockets.js';
import { startZergServer, type ZergServer } from './zerg-server.js';
import { UwsgiEmperorLink } from './uwsgi-emperor-link.js';

type MasterState = 'starting' | 'running' | 'reloading' | 'stopping';

export class Master {
  private state: MasterState = 'starting';
  /** all workers have been ready at least once */
  private ready = false;
  private pendingReload: ReloadRequest | null = null;
  /** restore-snapshot's configs: the last two that became ready */
  private readonly readyConfigs = new ReadyConfigs<VassalConfig>();
  /** set once a stop began; a graceful stop can still turn brutal */
  private stopMode: StopMode | null = null;
  private unwatchTouch: () => void = () => undefined;
  private readonly pool: WorkerPool;
  private readonly startedAt = Date.now();
  private zergServer: ZergServer | null = null;
  private readonly collector: StatsCollector;
  private readonly statsEndpoint: StatsEndpoint;
  private readonly monitors: LoadMonitors;
  private readonly fifo: MasterFifo;
  private readonly heartbeat = new HeartbeatSender((beat) => this.tellEmperor(beat));
  /** the sockets the emperor has a copy of */
  private readonly announced = new WeakSet<HeldSocket>();
  /** set when a real uWSGI Emperor runs this master (UWSGI_EMPEROR_FD) */
  private uwsgiEmperor: UwsgiEmperorLink | null = null;

  private constructor(
    private config: VassalConfig,
    private sockets: HeldSocket[],
    private readonly request: ConfigRequest,
    private readonly log: Logger,
  ) {
    this.pool = new WorkerPool(config, sockets, log, {
      onFailing: (report) => this.tellEmperor({ type: 'workers-failing', ...report }),
      onRecovered: () => this.tellEmperor({ type: 'workers-recovered', generation: this.pool.generation }),
      onConfigError: (error) => this.failOnConfig(error),
    });
    this.collector = new StatsCollector({
      vassal: () => this.config.name,
      pool: this.pool,
      sockets: () => this.sockets,
      backlog: () => this.config.listenBacklog,
      kind: () => this.config.app.kind,
      startedAt: this.startedAt,
      logFile: () => destinationOf(this.log)?.file,
    });
    this.statsEndpoint = new StatsEndpoint(this.collector, log);
    this.monitors = new LoadMonitors({
      pool: this.pool,
      sockets: () => this.sockets,
      log,
      onSos: (request) => {
        if (!process.connected && this.uwsgiEmperor === null) return this.log.warn({ ...request }, 'reinforcements needed, but no emperor governs this master');
        this.log.warn({ ...request }, 'asking the emperor for reinforcements');
        this.tellEmperor({ type: 'master-sos', ...request });
      },
      onIdleStop: (idleMs) => {
        if (this.state === 'stopping') return;
        // a uWSGI Emperor answers byte 22 with its stop byte, and its own vassals wait for that
        if (this.uwsgiEmperor !== null) this.log.info({ idleMs }, 'idle, asking the uWSGI Emperor to stop this vassal');
        else this.log.info({ idleMs }, 'idle, stopping');
        this.tellEmperor({ type: 'master-idle', idleMs });
        if (this.uwsgiEmperor === null) this.stop('graceful');
      },
    });
    this.fifo = new MasterFifo(log, (command) => this.handle(command));
  }

  /** Load, bind and start; throws UwError (nothing started) on bad input. */
  static async start(request: ConfigRequest, uwsgiEmperorFd: number | null = null): Promise<Master> {
    const config = await loadConfig(request);
    process.title = `uw master (${config.name})`;
    const log = createLogger({ vassal: config.name }, openVassalDestination(config));
    const sockets: HeldSocket[] = [];
    const started: { master?: Master } = {};
    let zergServer: ZergServer | null = null;
    let master: Master;
    const kept = await requestKeptSockets(log);
    try {
      await acquireSockets(config, sockets, log, kept);
      closeUnusedKept(kept);
      if (config.app.kind === 'exec') prepareForExec(sockets, config.file);
      // zergs get the sockets held when they connect: after a reload, the new ones
      const fds = (): number[] => (started.master?.sockets ?? sockets).map((socket) => socket.raw.fd);
      if (config.zergServer !== undefined) zergServer = await startZergServer({ path: config.zergServer, mode: config.chmodSocket, file: config.file }, fds, log);
      master = new Master(config, sockets, request, log);
      started.master = master;
      if (uwsgiEmperorFd !== null) master.uwsgiEmperor = master.linkUwsgiEmperor(uwsgiEmperorFd);
      await master.statsEndpoint.open(config);
      master.fifo.open(config.masterFifo, config.file);
      if (config.pidfile) writePidfile(config.pidfile);
    } catch (err) {
      closeUnusedKept(kept);
      started.master?.fifo.close();
      // nothing was served: the socket files we made are removed (only if they are still ours; a kept one stays for the next master)
      await Promise.all([...sockets.map((socket) => releaseSocket(socket, socket.kept !== true)), zergServer?.close(), started.master?.statsEndpoint.close()]);
      throw err;
    }
    logSockets(sockets, log);
    if (zergServer !== null) log.info({ where: zergServer.where }, 'zerg server listening');
    master.zergServer = zergServer;
    master.run();
    return master;
  }

  private run(): void {
    installSignalHandlers((command, signal) => {
      this.log.info({ signal, command }, 'signal received');
      this.handle(command);
    });
    if (process.send) this.listenToEmperor();
    this.uwsgiEmperor?.open();
    announceSockets(this.sockets, this.announced);
    this.armTouchReload();
    // a master lives until it is told to stop, even while no worker runs (all failed, backing off)
    setInterval(() => undefined, 2 ** 31 - 1);
    // a last resort, not an owner: every path below has its own
    process.on('unhandledRejection', (err) => this.log.error({ err }, 'unowned promise failed'));
    this.log.info({ processes: this.config.processes, app: this.config.app.kind }, 'master started');
    this.tellEmperor({ type: 'master-started', pid: process.pid, reloadMercyMs: this.config.reloadMercyMs });
    if (process.send || this.uwsgiEmperor) this.heartbeat.follow(this.config.heartbeatMs);
    this.own('first start', this.pool.start().then(() => this.markReady()));
    this.watchLoad();
  }

  /** The load monitors (sos, die-on-idle, policies, cheaper): at start, and again with the new config after a reload. */
  private watchLoad(): void {
    if (this.state === 'stopping') return this.monitors.stop();
    this.monitors.start(this.config);
  }

  /** FIFO + and -: one worker more or fewer, within cheaper mode's bounds (as uWSGI: only in cheaper mode). */
  private addOrRemoveWorker(command: 'add-worker' | 'remove-worker'): void {
    const cheaper = this.config.cheaper;
    if (cheaper === undefined) return this.log.warn({ command }, 'adding or removing a worker needs cheaper mode (cheaper = N)');
    const done = command === 'add-worker' ? this.pool.grow(1) > 0 : this.pool.shrink(cheaper.min);
    if (!done) this.log.warn({ command, ...this.pool.counts(), min: cheaper.min, max: this.config.processes }, 'no worker to add or remove within cheaper and processes');
  }

  /** Every async path has an owner: a failure is logged, and the master carries on. */
  private own(what: string, promise: Promise<unknown>): void {
    promise.catch((err: unknown) => this.log.error({ err, what }, 'master task failed'));
  }

  /** The first time all workers are ready: after the first start, or a reload that fixed a crash loop. */
  private markReady(): void {
    if (this.ready || this.state === 'stopping') return;
    this.ready = true;
    this.readyConfigs.ready(this.config);
    if (this.state === 'starting') this.state = 'running';
    this.writeSafePidfile();
    this.log.info({ generation: this.pool.generation, startMs: Date.now() - this.startedAt }, 'master ready');
    this.tellEmperor({ type: 'master-ready', pid: process.pid, generation: this.pool.generation });
    this.runPendingReload();
  }

  /** The safe-pidfile says "ready"; failing to write it is reported, never fatal to a serving master. */
  private writeSafePidfile(): void {
    if (!this.config.safePidfile) return;
    try {
      writePidfile(this.config.safePidfile);
    } catch (err) {
      this.log.error({ err, file: this.config.safePidfile, error: describeError(err) }, 'safe-pidfile not written');
    }
  }

  private listenToEmperor(): void {
    const handlers: MessageHandlers<EmperorToMaster> = {
      'stats-request': (message) => {
        this.own('stats for the emperor', this.collector.collect().then((stats) => this.tellEmperor({ type: 'master-stats', id: message.id, stats })));
      },
      'reopen-logs': () => this.handle('reopen-logs'),
      // copies that came after the start gave up waiting for them: the sockets are bound by now
      'kept-sockets': () => undefined,
      'kept-socket': (_message, handle) => (handle as { close?: () => void } | undefined)?.close?.(),
    };
    process.on('message', (message, handle) => dispatch(handlers, message, handle));
    // the emperor is gone: a vassal never outlives it
    process.on('disconnect', () => this.handle('stop'));
    // the emperor died while this master loaded its config (perhaps before setpriv set the
    // parent-death signal): that 'disconnect' came before the listener, so look now
    if (!process.connected) this.handle('stop');
  }

  private tellEmperor(message: MasterToEmperor): void {
    this.uwsgiEmperor?.tell(message);
    if (process.connected) process.send?.(message);
  }

  /** A uWSGI Emperor's bytes are commands, as signals are. */
  private linkUwsgiEmperor(fd: number): UwsgiEmperorLink {
    return new UwsgiEmperorLink({ fd, log: this.log, pool: this.pool, config: () => this.config, onCommand: (command) => this.handle(command) });
  }

  private armTouchReload(): void {
    this.unwatchTouch();
    const unwatchReload = watchTouchReload(this.config.touchReload, (path) => {
      this.log.info({ file: path }, 'touch-reload');
      this.handle('reload');
    });
    const unwatchChain = watchTouchReload(this.config.touchChainReload, (path) => {
      this.log.info({ file: path }, 'touch-chain-reload');
      this.handle('chain-reload');
    });
    const unwatchReopen = watchTouchReload(this.config.log.touchReopen, () => this.handle('reopen-logs'));
    this.unwatchTouch = () => {
      unwatchReload();
      unwatchChain();
      unwatchReopen();
    };
  }

  /** The one place commands are acted on. */
  handle(command: MasterCommand): void {
    this.log.debug({ command, state: this.state }, 'master command');
    if (this.state === 'stopping') {
      if (STOP_COMMANDS.has(command)) this.escalateStop();
      return;
    }
    switch (command) {
      case 'reload':
        return this.requestReload(this.config.reloadMode);
      case 'chain-reload':
        return this.requestReload('chain');
      case 'reload-workers':
        return this.requestReload('graceful', 'current');
      case 'reload-workers-brutal':
        return this.requestReload('brutal', 'current');
      case 'restore-snapshot':
        return this.requestReload('graceful', 'snapshot');
      case 'term':
        return this.config.dieOnTerm ? this.stop('graceful') : this.requestReload('brutal');
      case 'stop':
        return this.stop('graceful');
      case 'kill':
        return this.stop('brutal');
      case 'stats':
      case 'status':
        return this.own(command, logStats(command, this.collector, this.log));
      case 'pause-toggle':
        return this.togglePause();
      case 'add-worker':
      case 'remove-worker':
        return this.addOrRemoveWorker(command);
      case 'reopen-logs':
        return this.reopenLogs();
      case 'brutal-reload':
        return this.requestReload('brutal');
      case 'write-pidfiles':
        return this.rewritePidfiles();
      case 'emperor-rescan':
      case 'ask-reinforcements':
        return this.askEmperor(command);
    }
  }

  /** FIFO `P`: the pidfile again, and the safe-pidfile once ready; a failure is logged, the master serves on. */
  private rewritePidfiles(): void {
    for (const file of [this.config.pidfile, this.ready ? this.config.safePidfile : undefined]) {
      if (file === undefined) continue;
      try {
        rewritePidfile(file);
        this.log.info({ file }, 'pidfile written');
      } catch (err) {
        this.log.error({ file, error: describeError(err) }, 'pidfile not written');
      }
    }
  }

  /** FIFO `E` and `B` are requests to the emperor; a master on its own says nobody will hear them. */
  private askEmperor(command: 'emperor-rescan' | 'ask-reinforcements'): void {
    const message: MasterToEmperor = command === 'emperor-rescan' ? { type: 'master-rescan' } : { type: 'master-sos', reason: 'fifo' };
    if (!process.connected && !(this.uwsgiEmperor?.hears(message) ?? false)) return this.log.warn({ command }, 'no emperor governs this master');
    this.log.info({ command }, 'asking the emperor');
    this.tellEmperor(message);
  }

  /** logrotate moved the file (or a size rotation is wanted): lines queued go to the old file, the next ones to a new one. */
  private reopenLogs(): void {
    const destination = destinationOf(this.log);
    if (this.config.log.file === undefined || destination === undefined) return this.log.info({}, 'log reopen asked, but the log goes to stdout');
    destination.reopen();
    this.log.info({ file: this.config.log.file }, 'log file reopened');
  }

  private togglePause(): void {
    if (this.pool.paused) {
      this.pool.resume();
      this.log.info({}, 'resumed');
      this.tellEmperor({ type: 'master-resumed' });
      this.runPendingReload();
    } else {
      this.pool.pause();
      this.log.info({}, 'paused');
      this.tellEmperor({ type: 'master-paused' });
    }
  }

  private requestReload(mode: ReloadMode, source: ConfigSource = 'file'): void {
    // coalesce: one pending reload at most, brutal if any request was brutal
    this.pendingReload = coalesceReload(this.pendingReload, { mode, source });
    if (this.pool.paused) this.log.info({ mode, source }, 'reload deferred until resume');
    this.runPendingReload();
  }

  private runPendingReload(): void {
    // a reload may also replace a first generation that never got ready (a crash loop)
    if ((this.state !== 'running' && this.state !== 'starting') || this.pendingReload === null || this.pool.paused) return;
    const request = this.pendingReload;
    this.pendingReload = null;
    this.own('reload', this.reload(request));
  }

  private async reload(request: ReloadRequest): Promise<void> {
    const { mode, source } = request;
    this.state = 'reloading';
    const startedAt = Date.now();
    const generation = this.pool.generation + 1;
    this.log.info({ mode, source, generation }, 'reload started');
    this.tellEmperor({ type: 'master-reloading', generation });
    // whatever goes wrong, the reload ends: a master stuck in `reloading` would swallow every later SIGHUP
    const outcome = await this.reloadWorkers(request).catch((err: unknown) => ({ ok: false as const, reason: describeError(err) }));
    const durationMs = Date.now() - startedAt;
    if (this.state !== 'reloading') return; // stopped meanwhile
    this.state = this.ready ? 'running' : 'starting';
    if (outcome.ok) this.log.info({ mode, source, generation, durationMs }, 'reload finished');
    else this.log.error({ mode, source, generation, durationMs, reason: outcome.reason }, 'reload failed, still serving with the old workers');
    this.tellEmperor({ type: 'master-reloaded', generation, ok: outcome.ok, durationMs, reloadMercyMs: this.config.reloadMercyMs, ...(!outcome.ok && { reason: outcome.reason }) });
    if (outcome.ok) this.markReady();
    announceSockets(this.sockets, this.announced);
    this.runPendingReload();
  }

  private async reloadWorkers(request: ReloadRequest): Promise<{ ok: true } | { ok: false; reason: string }> {
    let config: VassalConfig;
    let next: SocketChange;
    try {
      config = await this.reloadConfig(request.source);
      next = request.source === 'current' ? { sockets: this.sockets, added: [], removed: [] } : await resocket(this.sockets, config, this.log);
      // kept sockets were made non-blocking again if the old workers were module ones
      if (config.app.kind === 'exec') prepareForExec(next.sockets, config.file);
    } catch (err) {
      return { ok: false, reason: describeError(err) };
    }
    logSockets(next.added, this.log);
    if (config.zergServer !== this.config.zergServer) this.log.warn({ zergServer: this.config.zergServer ?? null }, 'zerg-server changes take effect at the next start');
    if (config.log.file !== this.config.log.file || config.log.format !== this.config.log.format) this.log.warn({ logto: this.config.log.file ?? null }, 'logto and log-format changes take effect at the next start');
    const outcome = await this.pool.reload(config, next.sockets, this.chainOrGraceful(request.mode, config, next));
    const unused = outcome.ok ? next.removed : next.added;
    if (outcome.ok) {
      if (request.source === 'snapshot') this.readyConfigs.restored(config);
      else this.readyConfigs.ready(config);
      this.config = config;
      this.sockets = next.sockets;
      this.armTouchReload();
      this.watchLoad();
      if (process.send || this.uwsgiEmperor) this.heartbeat.follow(config.heartbeatMs);
      this.fifo.reconfigure(config.masterFifo, config.file);
      await this.statsEndpoint.reconfigure(config);
    }
    // old workers may still drain on a removed socket: their own copy keeps it open
    await Promise.all(unused.map((socket) => releaseSocket(socket, this.config.vacuum)));
    return outcome;
  }

  /** The config a reload runs: the file read again, the one running now, or restore-snapshot's. */
  private async reloadConfig(source: ConfigSource): Promise<VassalConfig> {
    if (source === 'file') return loadConfig(this.request);
    if (source === 'current') return this.config;
    const current = this.readyConfigs.current;
    const target = current === null ? null : this.readyConfigs.target(this.pool.runsOnly(current));
    if (target === null) throw new Error('no configuration has been ready yet: no snapshot to restore');
    this.log.info({ restoring: target === current ? 'the current ready config' : 'the previous ready config' }, 'restoring a snapshot');
    return target;
  }

  /** A chain keeps the sockets and the number of workers; otherwise it is done as a graceful reload, said in the log. */
  private chainOrGraceful(mode: ReloadMode, config: VassalConfig, next: SocketChange): ReloadMode {
    if (mode !== 'chain') return mode;
    const socketsChanged = next.sockets.length !== this.sockets.length || next.sockets.some((socket, index) => socket !== this.sockets[index]);
    const why = chainFallback({ wasReady: this.ready, processes: { now: this.config.processes, next: config.processes }, kind: { now: this.config.app.kind, next: config.app.kind }, socketsChanged });
    if (why === null) return 'chain';
    this.log.warn({ why }, 'chain reload done as a graceful reload');
    return 'graceful';
  }

  /**
   * Stop and exit: stop accepting (release the sockets), let the workers finish
   * their in-flight requests (graceful, SIGKILL after reload-mercy) or kill them
   * now (brutal), vacuum, exit 0.
   */
  private stop(mode: StopMode, exitCode = 0): void {
    this.state = 'stopping';
    this.stopMode = mode;
    this.unwatchTouch();
    this.monitors.stop();
    this.uwsgiEmperor?.quiet();
    this.log.info({ mode, mercyMs: this.config.reloadMercyMs }, 'shutdown started');
    this.finishStop(mode, exitCode).catch((err: unknown) => {
      this.log.error({ err }, 'shutdown failed');
      this.log.flush();
      process.exit(1);
    });
  }

  /** A worker of the first start found the config unfit for its app: like a config error at load, exit 2. */
  private failOnConfig(error: string): void {
    if (this.state === 'stopping') return;
    const message = `config error in ${this.config.file || this.config.name}: ${error}`;
    this.log.error({ error: message }, 'config error found by a worker');
    this.tellEmperor({ type: 'master-error', code: 'UW_CONFIG_CONFLICT', message });
    this.stop('brutal', CONFIG_ERROR_EXIT_CODE);
  }

  /** A second stop signal during a graceful stop: kill the workers now. */
  private escalateStop(): void {
    if (this.stopMode !== 'graceful') return;
    this.stopMode = 'brutal';
    this.log.warn({}, 'shutdown escalated: killing the workers now');
    this.pool.killAll();
  }

  private async finishStop(mode: StopMode, exitCode: number): Promise<void> {
    // no zerg attaches to sockets about to close
    await this.zergServer?.close();
    // the workers' copies close as they stop: new connections are refused, not left in a backlog nobody reads
    const released = Promise.all(this.sockets.map((socket) => releaseSocket(socket, this.config.vacuum)));
    await this.pool.stopAll(mode, this.config.reloadMercyMs);
    await released;
    await this.statsEndpoint.close();
    this.fifo.close();
    if (this.config.vacuum) {
      if (this.config.pidfile) removePidfile(this.config.pidfile);
      if (this.config.safePidfile) removePidfile(this.config.safePidfile);
    }
    this.log.info({ uptimeMs: Date.now() - this.startedAt }, 'master stopped');
    this.log.flush();
    process.exit(exitCode);
  }
}

/** One line per socket: where it listens and whether it was bound or received from a zerg server. */
function logSockets(sockets: readonly HeldSocket[], log: Logger): void {
  for (const socket of sockets) {
    log.info({ where: socket.where, protocol: socket.spec.protocol, ...(socket.from !== undefined && { zergServer: socket.from }) }, socket.from !== undefined ? 'socket attached' : socket.kept === true ? 'socket taken back from the emperor' : 'socket bound');
  }
}
