// One vassal at run time: its record (vassal-machine), its master process and
// its timers. Every event goes through `handle`, which asks the machine for the
// next step, logs the state change and performs the effects; nothing else here
// decides a state.
import type { ChildProcess, SendHandle } from 'node:child_process';
import type { MasterStatsDocument } from '../stats/master-document.js';
import type { EmperorToMaster, SosReason } from '../ipc/protocol.js';
import type { Logger } from '../log/logger.js';
import { describeError, UwError } from '../errors.js';
import type { Clock, TimerHandle } from './clock.js';
import type { Fingerprint } from './fingerprint.js';
import { HeartbeatWatch } from './heartbeat-watch.js';
import { linkMaster, type MasterLink, type MasterLinkCallbacks } from './master-link.js';
import type { MasterPlan } from './master-plan.js';
import { linkUwsgiMaster } from './uwsgi-master-link.js';
import { MasterSilence } from './master-silence.js';
import { discard, SocketKeeper } from './socket-keeper.js';
import { stopGraceMs } from './master-mercy.js';
import type { RestartPolicy } from './restart-policy.js';
import { StatsRequests } from './stats-requests.js';
import { VassalHistory, type VassalHistorySnapshot } from './stats-vassal-history.js';
import { initialStep, transition, type Effect, type Step, type VassalEvent, type VassalRecord, type VassalState } from './vassal-machine.js';

/** What a vassal needs from the emperor and the OS, injected for unit tests. */
export interface VassalDeps {
  readonly clock: Clock;
  /** bound to { vassal } */
  readonly logger: Logger;
  readonly policy: RestartPolicy;
  readonly reloadMercyMs: number;
  /** a start holds its queue slot at most this long */
  readonly startSlotMs: number;
  readonly enqueueStart: (job: () => Promise<void>) => void;
  /** what the next master is run with, decided before each start (a UwError: broken); absent: always uw */
  readonly planMaster?: () => Promise<MasterPlan>;
  readonly spawnMaster: (plan: MasterPlan) => ChildProcess;
  /** a master run with another binary is stopped with uWSGI's graceful byte (2) instead of 0 */
  readonly gracefulStop?: boolean;
  /** SIGINT (unless `ask` is false: the master is stopping by itself), then SIGKILL after `graceMs`; resolves on exit */
  readonly stopMaster: (child: ChildProcess, graceMs: number, onEscalate: () => void, ask?: boolean) => Promise<void>;
  /** the vassal reached `stopped`: forget it */
  readonly onStopped: () => void;
  /** the master is stopped by a signal (SIGSTOP): it cannot report that itself */
  readonly isStopped?: (pid: number) => boolean;
  /** broodlord: the master asked for reinforcements */
  readonly onSos?: (reason: SosReason) => void;
  /** the master asks for a rescan (master FIFO `E`) */
  readonly onRescan?: () => void;
  /** a zerg instance (broodlord) names its vassal here: its idle exit retires it instead of restarting it */
  readonly zergOf?: string | null;
}

/** What SIGUSR1 prints for one vassal. */
export interface VassalStatus {
  readonly vassal: string;
  readonly state: VassalState;
  readonly masterPid: number | null;
  readonly uptimeMs: number | null;
  readonly stateForMs: number;
  readonly failures: number;
  readonly error: string | null;
  /** why the last reload failed while the old workers kept serving; null once one succeeds */
  readonly reloadFailed: string | null;
  /** a zerg instance (broodlord) names the vassal it serves; absent for a vassal file's own master */
  readonly zergOf?: string;
  /** heartbeat: epoch ms of the running master's last beat */
  readonly lastHeartbeatMs?: number;
  /** what the master last failed to answer (a stats request, a SIGHUP), until it answers again */
  readonly unanswered?: 'stats-request' | 'SIGHUP';
}

/** One vassal file and its master. */
export class Vassal {
  /** what the emperor last saw on disk; null once the file is gone */
  fingerprint: Fingerprint | null;
  private record: VassalRecord;
  private link: MasterLink | null = null;
  private startedAt: number | null = null;
  private stateSince: number;
  private restartTimer: TimerHandle | null = null;
  private startSlot: { release: () => void; timer: TimerHandle } | null = null;
  /** bumped by every spawn effect, so a queued start that is no longer wanted does nothing */
  private attempt = 0;
  private readonly stats: StatsRequests;
  /** the running master's own reload-mercy, once it told it */
  private masterMercyMs: number | null = null;
  private readonly history = new VassalHistory();
  private readonly heartbeat: HeartbeatWatch;
  private readonly silence: MasterSilence;
  /** copies of the master's listening sockets, given to the next master after a crash */
  private readonly keeper: SocketKeeper;

  constructor(readonly identity: string, readonly file: string, fingerprint: Fingerprint, private readonly deps: VassalDeps) {
    this.fingerprint = fingerprint;
    this.stats = new StatsRequests(deps.clock);
    this.keeper = new SocketKeeper(deps.logger);
    this.stateSince = deps.clock.now();
    this.heartbeat = new HeartbeatWatch(deps.clock, () => this.handle({ type: 'heartbeat-missed' }));
    this.silence = new MasterSilence(deps.clock, deps.logger, deps.isStopped ?? (() => false));
    const first = initialStep();
    this.record = first.record;
    this.apply(first, null);
  }

  /** the vassal this is a zerg instance of (broodlord), or null */
  get zergOf(): string | null {
    return this.deps.zergOf ?? null;
  }

  get state(): VassalState {
    return this.record.state;
  }

  /** Feed one event through the state machine. */
  handle(event: VassalEvent): void {
    if (event.type === 'master-heartbeat') this.heartbeat.beat();
    if (event.type === 'master-reloading' || event.type === 'master-reloaded' || event.type === 'master-paused') this.silence.acknowledged(event.type);
    // a changed file read by a fresh master may name other sockets: nothing kept may hold their ports
    if (event.type === 'file-changed' && this.link === null) this.keeper.releaseAll('file changed while no master runs');
    const next = transition(this.record, event, this.deps.policy);
    if (next === null) {
      this.deps.logger.debug({ state: this.record.state, event: event.type }, 'vassal event ignored');
      return;
    }
    this.apply(next, this.record.state);
  }

  status(): VassalStatus {
    const now = this.deps.clock.now();
    const { pid, failures, error, reloadFailed } = this.record;
    // a SIGSTOPped master shows as paused; it will tell nothing until it runs again
    const state = pid !== null && this.deps.isStopped?.(pid) === true ? 'paused' : this.record.state;
    return {
      vassal: this.identity, state, masterPid: pid, uptimeMs: this.startedAt === null ? null : now - this.startedAt, stateForMs: now - this.stateSince, failures, error, reloadFailed,
      ...(this.zergOf !== null && { zergOf: this.zergOf }),
      ...(this.heartbeat.lastBeatMs !== null && { lastHeartbeatMs: this.heartbeat.lastBeatMs }),
      ...(this.silence.unanswered !== null && { unanswered: this.silence.unanswered }),
    };
  }

  /** Times and counts for the statistics documents (born, last ready, respawns, next retry). */
  historySnapshot(): VassalHistorySnapshot {
    return this.history.snapshot();
  }

  /** Ask the master for its statistics; null without a master or an answer in time. */
  requestStats(timeoutMs: number): Promise<MasterStatsDocument | null> {
    const link = this.link;
    if (link === null) return Promise.resolve(null);
    return link.requestStats(timeoutMs).then(({ stats, counts }) => {
      if (counts && link === this.link && link.child.pid !== undefined) this.silence.statsRequest(link.child.pid, stats !== null, timeoutMs);
      return stats;
    });
  }

  /** Tell the master `message` (logs reopen); false without a master to tell. */
  tellMaster(message: EmperorToMaster): boolean {
    return this.link?.tell(message) ?? false;
  }

  private apply(next: Step, from: VassalState | null): void {
    this.record = next.record;
    const to = next.record.state;
    if (from !== to) {
      this.stateSince = this.deps.clock.now();
      this.history.entered(to, this.stateSince);
      const delay = next.effects.find((effect) => effect.type === 'schedule-restart');
      // broken, failing, backoff and a failed reload need an operator's eye: they stand out at warn/error level
      const { error, reloadFailed } = next.record;
      const level = to === 'broken' || to === 'failing' ? 'error' : to === 'backoff' || reloadFailed !== null ? 'warn' : 'info';
      this.deps.logger[level](
        {
          from,
          to,
          masterPid: next.record.pid,
          reason: next.reason,
          ...((to === 'broken' || to === 'failing') && { error }),
          ...(reloadFailed !== null && { reloadFailed }),
          ...(delay && { delayMs: delay.delayMs }),
        },
        'vassal state',
      );
    }
    // a stop closes the sockets (clients are refused, not left in a backlog nobody reads), a broken vassal has no next master
    if (to === 'stopping' || to === 'broken' || to === 'stopped') this.keeper.releaseAll(`vassal ${to}`);
    for (const effect of next.effects) this.perform(effect);
    if (to !== 'starting') this.releaseStartSlot();
    if (to === 'stopped') this.deps.onStopped();
  }

  private perform(effect: Effect): void {
    switch (effect.type) {
      case 'spawn': {
        const attempt = ++this.attempt;
        this.deps.enqueueStart(() => this.startMaster(attempt));
        return;
      }
      case 'signal':
        if (effect.why !== undefined) this.deps.logger.warn({ masterPid: this.record.pid, signal: effect.signal, why: effect.why }, 'master signalled');
        return this.signal(effect.signal);
      case 'watch-heartbeat':
        return this.heartbeat.arm(effect.delayMs);
      case 'unwatch-heartbeat':
        return this.heartbeat.clear();
      case 'stop':
      case 'await-stop':
        if (this.link !== null) this.stopMaster(this.link, effect.type === 'stop');
        return;
      case 'schedule-restart':
        this.restartTimer?.clear();
        this.history.backingOff(this.deps.clock.now(), effect.delayMs);
        this.restartTimer = this.deps.clock.setTimer(effect.delayMs, () => {
          this.restartTimer = null;
          this.handle({ type: 'backoff-elapsed' });
        });
        return;
      case 'cancel-restart':
        this.restartTimer?.clear();
        this.restartTimer = null;
        return;
    }
  }

  /** SIGHUP is a reload and SIGKILL a kill, whatever the link turns them into. */
  private signal(signal: 'SIGHUP' | 'SIGKILL'): void {
    const link = this.link;
    if (link === null) return;
    if (signal === 'SIGKILL') return link.kill();
    link.reload();
    // a paused master defers the reload until it is resumed: no acknowledgement is due
    if (link.acknowledgesReload && link.child.pid !== undefined && this.record.state !== 'paused') this.silence.sighupSent(link.child.pid);
  }

  private stopMaster(link: MasterLink, ask: boolean): void {
    const pid = link.child.pid;
    // never before the master's own mercy ran out: it ends its workers and vacuums by itself
    const mercyMs = stopGraceMs(this.deps.reloadMercyMs, this.masterMercyMs);
    void link.stop(mercyMs, () => this.deps.logger.warn({ masterPid: pid, mercyMs }, 'master killed after mercy'), ask);
  }

  /** Run by the start queue: spawn unless this start was superseded; hold the slot until ready. */
  private startMaster(attempt: number): Promise<void> {
    const wanted = (): boolean => attempt === this.attempt && this.record.state === 'starting' && this.link === null;
    if (!wanted()) return Promise.resolve();
    return new Promise((release) => {
      const timer = this.deps.clock.setTimer(this.deps.startSlotMs, () => this.releaseStartSlot());
      this.startSlot = { release, timer };
      // without a planner (tests, zerg-free setups) the start stays synchronous
      if (this.deps.planMaster === undefined) return this.launch({ kind: 'uw' });
      this.deps.planMaster().then(
        (plan) => (wanted() ? this.launch(plan) : this.releaseStartSlot()),
        (err: unknown) => {
          if (wanted()) this.handle({ type: 'spawn-failed', message: describeError(err), broken: err instanceof UwError });
          else this.releaseStartSlot();
        },
      );
    });
  }

  private releaseStartSlot(): void {
    const slot = this.startSlot;
    this.startSlot = null;
    slot?.timer.clear();
    slot?.release();
  }

  private launch(plan: MasterPlan): void {
    let child: ChildProcess;
    try {
      child = this.deps.spawnMaster(plan);
    } catch (err) {
      this.handle({ type: 'spawn-failed', message: (err as Error).message });
      return;
    }
    this.startedAt = this.deps.clock.now();
    this.history.spawned(this.startedAt);
    this.masterMercyMs = null;
    const { stopMaster, clock, gracefulStop = true } = this.deps;
    // one link per master: uw over its IPC channel, any other binary over uWSGI's emperor fd
    this.link = plan.kind === 'uw'
      ? linkMaster(child, this.callbacksFor(child), { stats: this.stats, stopMaster })
      : linkUwsgiMaster(child, this.callbacksFor(child), { plan, vassal: this.identity, clock, gracefulStop, stopMaster });
    if (child.pid !== undefined) {
      this.deps.logger.info({ masterPid: child.pid, file: this.file, ...(plan.kind !== 'uw' && { binary: plan.binary }) }, 'master spawned');
      this.handle({ type: 'spawned', pid: child.pid });
    }
  }

  /** What the master's messages do; a message from a master that is no longer this vassal's changes nothing. */
  private callbacksFor(child: ChildProcess): MasterLinkCallbacks {
    const current = (): boolean => this.link?.child === child;
    return {
      logger: this.deps.logger,
      onEvent: (event) => this.handle(event),
      onStats: (id, stats) => this.stats.settle(id, stats),
      onMercy: (mercyMs) => {
        if (current()) this.masterMercyMs = mercyMs;
      },
      onSos: (reason) => this.deps.onSos?.(reason),
      onRescan: () => this.deps.onRescan?.(),
      onIdle: () => {
        if (this.zergOf !== null) this.handle({ type: 'master-idle' });
        else this.deps.logger.warn({}, 'master idle: only a zerg instance retires, this one will be restarted');
      },
      onSocket: (info, handle) => (current() ? this.keeper.keep(info, handle) : discard(handle)),
      onSockets: (keys) => {
        if (current()) this.keeper.keepOnly(keys);
      },
      onKeptRequest: () => {
        if (current()) this.keeper.giveTo((message, handle, callback) => child.send(message, handle as SendHandle, callback));
      },
      onSpawnFailed: (err) => this.masterGone(child, { type: 'spawn-failed', message: err.message }),
      onExit: (code, signal) => {
        this.deps.logger.info({ masterPid: child.pid, code, signal }, 'master exited');
        this.masterGone(child, { type: 'exited', code, signal });
      },
    };
  }

  private masterGone(child: ChildProcess, event: VassalEvent): void {
    if (this.link?.child !== child) return;
    this.link = null;
    this.startedAt = null;
    this.heartbeat.clear(true);
    this.silence.reset();
    this.stats.abandonAll();
    this.handle(event);
  }
}
