// The emperor: keeps exactly one master per vassal file. The watcher and the
// periodic rescan only say "look at this path"; the settler turns that into one
// settled observation; reconcile names the action; the vassal's state machine
// does the rest. Commands (from signals) arrive through `command`.
import type { ChildProcess } from 'node:child_process';
import type { Logger } from '../log/logger.js';
import type { Clock, TimerHandle } from './clock.js';
import { Broodlord } from './broodlord.js';
import { readZergSection } from './broodlord-section.js';
import { ChangeSettler } from './change-settler.js';
import type { EmperorSettings } from './emperor-settings.js';
import { isStopped } from '../process/stopped.js';
import { readFingerprint, sameFingerprint, statUnchanged, type Fingerprint } from './fingerprint.js';
import { ownerChanged, tyrantIds } from './tyrant.js';
import { planMaster, type MasterPlan } from './master-plan.js';
import { reconcileFile } from './reconcile.js';
import { DEFAULT_RESTART_POLICY, type RestartPolicy } from './restart-policy.js';
import { scanTarget } from './scan.js';
import { DanglingLinks } from './dangling-links.js';
import { EmperorStatsCollector } from './stats-collector.js';
import { StatusTable } from './stats-table.js';
import type { EmperorStatsDocument } from '../stats/emperor-document.js';
import { createStartQueue, type StartQueue } from './start-queue.js';
import { Vassal, type VassalDeps } from './vassal.js';
import { watchTargets, type VassalWatcher } from './vassal-watcher.js';
import { commonRoot, identityOf, isWatchedPath, type WatchTarget } from './watch-target.js';

/** What the emperor can be asked to do; signals map onto these. */
export type EmperorCommand = 'reload' | 'stop' | 'kill' | 'status' | 'rescan' | 'clear-backoffs';

/** The OS and settings the emperor is built from, injected so tests can replace them. */
export interface EmperorDeps {
  readonly settings: EmperorSettings;
  readonly targets: readonly WatchTarget[];
  readonly logger: Logger;
  readonly clock: Clock;
  /** `runAs`: tyrant mode, the vassal file's owner; `plan`: uw (absent) or another binary (see master-plan.ts) */
  readonly spawnMaster: (identity: string, file: string, runAs?: MasterIds, plan?: MasterPlan) => ChildProcess;
  readonly stopMaster: VassalDeps['stopMaster'];
  readonly policy?: RestartPolicy;
  /** the file-system watcher; tests replace it to prove the rescan alone suffices */
  readonly watch?: typeof watchTargets;
  /** uwemperor's version, for the statistics document */
  readonly version?: string;
}

/** Whom a tyrant master runs as: its vassal file's owner and group. */
export interface MasterIds {
  readonly uid: number;
  readonly gid: number;
}

/** A master that neither got ready nor exited within this long gives its start slot to the next one. */
const START_SLOT_MS = 30_000;
/** files a rescan checks between two turns of the event loop */
const RESCAN_BATCH = 256;

/** One emperor: a map of vassals keyed by identity, fed by the watcher, the rescan and commands. */
export class Emperor {
  private readonly vassals = new Map<string, Vassal>();
  private readonly root: string;
  private readonly settler: ChangeSettler;
  private readonly queue: StartQueue;
  private readonly log: Logger;
  private watcher: VassalWatcher | null = null;
  private rescanTimer: TimerHandle | null = null;
  private stopping = false;
  private allGone: () => void = () => undefined;
  private readonly gone = new Promise<void>((resolve) => (this.allGone = resolve));
  private closing: Promise<void> = Promise.resolve();
  private readonly broodlord: Broodlord;
  private readonly stats: EmperorStatsCollector;
  private readonly statusTable = new StatusTable();
  /** tyrant: files refused (owned by root), by identity, so a rescan does not log them again */
  private readonly refused = new Map<string, Fingerprint>();
  private readonly danglingLinks: DanglingLinks;

  constructor(private readonly deps: EmperorDeps) {
    this.log = deps.logger;
    this.root = commonRoot(deps.targets.map((target) => target.root));
    this.settler = new ChangeSettler({
      clock: deps.clock,
      settleMs: deps.settings.settleMs,
      probe: readFingerprint,
      onSettled: (path, fingerprint) => this.onSettled(path, fingerprint),
      known: (path) => this.vassals.get(identityOf(this.root, path))?.fingerprint,
    });
    this.broodlord = new Broodlord({
      max: deps.settings.broodlord,
      logger: this.log,
      clock: deps.clock,
      readSection: readZergSection,
      createZerg: (parent, identity) => (this.stopping ? null : this.addZerg(parent, identity)),
    });
    this.stats = new EmperorStatsCollector({ clock: deps.clock, version: deps.version ?? 'unknown', targets: deps.targets, vassals: () => [...this.vassals.values()] });
    this.danglingLinks = new DanglingLinks(this.log, (path) => identityOf(this.root, path));
    this.queue = createStartQueue(deps.settings.startConcurrency, (err) => this.log.error({ err }, 'start job failed'));
  }

  /** Watch, take the initial inventory, then rescan periodically. */
  async start(): Promise<void> {
    const { targets } = this.deps;
    this.log.info({ targets: targets.map((target) => target.spec), root: this.root, settings: this.deps.settings }, 'emperor started');
    this.watcher = (this.deps.watch ?? watchTargets)(targets, (path) => this.onPath(path), (err) => this.log.warn({ err }, 'watcher error'));
    await this.watcher.ready;
    if (this.stopping) return;
    await this.rescan('start');
  }

  /** Resolves once a stop command finished: every master gone, watcher closed. */
  get stopped(): Promise<void> {
    return this.gone.then(() => this.closing);
  }

  /** The statistics document (shared with concurrent callers, at most ~1 s old). */
  statsDocument(): Promise<EmperorStatsDocument> {
    return this.stats.collect();
  }

  /** `uwemperor logs reopen`: every master reopens its log file; the number of masters told. */
  reopenLogs(): number {
    let told = 0;
    this.each((vassal) => (told += vassal.tellMaster({ type: 'reopen-logs' }) ? 1 : 0));
    this.log.info({ masters: told }, 'log reopen relayed to the masters');
    return told;
  }

  command(command: EmperorCommand): void {
    this.log.info({ command }, 'emperor command');
    switch (command) {
      case 'reload':
        return this.each((vassal) => vassal.handle({ type: 'reload' }));
      case 'stop':
        return this.shutdown(false);
      case 'kill':
        return this.shutdown(true);
      case 'status':
        return this.logStatus();
      case 'rescan':
        return void this.rescan('command');
      case 'clear-backoffs':
        return this.each((vassal) => vassal.handle({ type: 'clear-backoff' }));
    }
  }

  /** A source other than the file system (an etcd target's cache) changed this path: look at it as the watcher would. */
  look(path: string): void {
    this.onPath(path);
  }

  private onPath(path: string): void {
    if (isWatchedPath(this.deps.targets, path)) this.settler.touch(path);
  }

  private onSettled(path: string, observed: Fingerprint | null): void {
    if (this.stopping) return;
    const identity = identityOf(this.root, path);
    const vassal = this.vassals.get(identity);
    if (this.deps.settings.tyrant && this.tyrantRefuses(identity, vassal, observed)) return;
    const action = reconcileFile(vassal?.fingerprint, observed);
    if (action === 'none') return;
    if (action === 'change' && vassal !== undefined && this.deps.settings.tyrant && ownerChanged(vassal.fingerprint, observed)) {
      return this.restartAsNewOwner(identity, vassal, observed);
    }
    this.log.debug({ vassal: identity, action }, 'vassal file');
    if (action === 'create' && observed !== null) this.vassals.set(identity, this.createVassal(identity, path, observed));
    else if (vassal !== undefined) {
      vassal.fingerprint = observed;
      vassal.handle({ type: action === 'remove' ? 'file-removed' : 'file-changed' });
      if (action === 'remove') this.broodlord.fileRemoved(identity);
      else this.broodlord.fileChanged(vassal);
    }
  }

  /** Tyrant: a file owned by root is not started (its master, if any, is stopped); logged once per version. */
  private tyrantRefuses(identity: string, vassal: Vassal | undefined, observed: Fingerprint | null): boolean {
    const decision = observed === null ? null : tyrantIds(observed, this.deps.settings.tyrantAllowRoot);
    if (decision === null || decision.ok) {
      this.refused.delete(identity);
      return false;
    }
    if (sameFingerprint(this.refused.get(identity) ?? null, observed)) return true;
    this.refused.set(identity, observed as Fingerprint);
    this.log.error({ vassal: identity, code: 'UW_TYRANT_REFUSED', error: decision.reason }, 'vassal refused');
    if (vassal !== undefined && vassal.fingerprint !== null) {
      vassal.fingerprint = null;
      vassal.handle({ type: 'file-removed' });
      this.broodlord.fileRemoved(identity);
    }
    return true;
  }

  /** Tyrant: the file changed hands; its master stops and a new one starts as the new owner. */
  private restartAsNewOwner(identity: string, vassal: Vassal, observed: Fingerprint | null): void {
    const { uid, gid } = vassal.fingerprint ?? {};
    this.log.info({ vassal: identity, from: { uid, gid }, to: { uid: observed?.uid, gid: observed?.gid } }, 'vassal file owner changed: restarting as the new owner');
    vassal.fingerprint = observed;
    vassal.handle({ type: 'file-removed' });
    // its zerg instances run as the old owner too: they stop, and the next SOS starts them as the new one
    this.broodlord.fileRemoved(identity);
    // stopped already (no master running): a new vassal; otherwise it starts again once the old master exited
    if (this.vassals.get(identity) === vassal) vassal.handle({ type: 'file-changed' });
    else if (observed !== null) this.vassals.set(identity, this.createVassal(identity, vassal.file, observed));
  }

  /** The ids of a tyrant master for `fingerprint`; undefined outside tyrant mode. */
  private runAs(fingerprint: Fingerprint | null): MasterIds | undefined {
    if (!this.deps.settings.tyrant) return undefined;
    const decision = tyrantIds(fingerprint ?? {}, this.deps.settings.tyrantAllowRoot);
    if (!decision.ok) throw new Error(decision.reason);
    return { uid: decision.uid, gid: decision.gid };
  }

  /** A zerg instance of `parent` (broodlord): a vassal of its own, run from the file's [zerg] section. */
  private addZerg(parent: Vassal, identity: string): Vassal {
    const zerg = this.createVassal(identity, parent.file, parent.fingerprint ?? { ino: 0n, size: 0n, mtimeNs: 0n }, parent.identity);
    this.vassals.set(identity, zerg);
    return zerg;
  }

  private createVassal(identity: string, file: string, fingerprint: Fingerprint, zergOf: string | null = null): Vassal {
    const { settings, clock } = this.deps;
    // the first start may run inside the constructor: until it returns, the fingerprint is the one given here
    const made: { vassal?: Vassal } = {};
    const known = (): Fingerprint | null => (made.vassal === undefined ? fingerprint : made.vassal.fingerprint);
    const vassal: Vassal = new Vassal(identity, file, fingerprint, {
      clock,
      logger: this.log.child({ vassal: identity }),
      policy: this.deps.policy ?? DEFAULT_RESTART_POLICY,
      reloadMercyMs: settings.reloadMercyMs,
      startSlotMs: START_SLOT_MS,
      enqueueStart: (job) => this.queue.add(job),
      // tyrant: the file read for the plan must still be the owner's the master runs as
      planMaster: async () => await planMaster(file, settings, zergOf !== null, this.runAs(known())),
      spawnMaster: (plan) => this.deps.spawnMaster(identity, zergOf === null ? file : `${file}:zerg`, this.runAs(known()), plan),
      gracefulStop: settings.gracefulShutdown,
      stopMaster: this.deps.stopMaster,
      onStopped: () => {
        if (zergOf !== null) this.broodlord.forget(zergOf, vassal);
        this.forget(identity, vassal);
      },
      isStopped,
      zergOf,
      onSos: (reason) => (zergOf === null ? this.broodlord.sos(vassal, reason) : undefined),
      onRescan: () => {
        this.log.info({ vassal: identity }, 'vassal asks for a rescan');
        if (!this.stopping) void this.rescan('vassal');
      },
    });
    made.vassal = vassal;
    return vassal;
  }

  private forget(identity: string, vassal: Vassal): void {
    if (this.vassals.get(identity) === vassal) this.vassals.delete(identity);
    if (this.stopping && this.vassals.size === 0) this.allGone();
  }

  /** Walk every target; anything that differs from what is known gets a look. */
  private async rescan(why: string): Promise<void> {
    this.rescanTimer?.clear();
    this.rescanTimer = null;
    try {
      // first the watches: a directory or link inotify could not report on is watched again
      this.watcher?.resync();
      const dangling: string[] = [];
      const found = (await Promise.all(this.deps.targets.map((target) => scanTarget(target, dangling)))).flat();
      await this.danglingLinks.report(dangling);
      const present = new Set(found);
      for (const [index, path] of found.entries()) {
        const known = this.vassals.get(identityOf(this.root, path))?.fingerprint;
        if (!statUnchanged(path, known) && reconcileFile(known, await readFingerprint(path, known)) !== 'none') this.settler.touch(path);
        // the stat calls are synchronous: let events in between batches
        if (index % RESCAN_BATCH === RESCAN_BATCH - 1) await new Promise((resolve) => setImmediate(resolve));
      }
      for (const vassal of this.vassals.values()) {
        if (vassal.fingerprint !== null && !present.has(vassal.file)) this.settler.touch(vassal.file);
      }
      this.log.debug({ why, files: found.length }, 'emperor rescan');
    } catch (err) {
      this.log.warn({ err }, 'rescan failed');
    }
    const every = this.deps.settings.rescanIntervalMs;
    if (!this.stopping && every > 0) this.rescanTimer = this.deps.clock.setTimer(every, () => void this.rescan('periodic'));
  }

  /** First stop: every master gets SIGINT (a graceful stop) and the mercy period. A second one, or `now`: SIGKILL now. */
  private shutdown(now: boolean): void {
    if (this.stopping) return this.each((vassal) => vassal.handle({ type: 'kill' }));
    this.stopping = true;
    this.log.info({ vassals: this.vassals.size }, 'emperor stopping');
    this.settler.close();
    this.queue.clear();
    this.rescanTimer?.clear();
    this.closing = (this.watcher?.close() ?? Promise.resolve()).catch((err: unknown) => this.log.warn({ err }, 'watcher close failed'));
    this.each((vassal) => vassal.handle({ type: 'shutdown' }));
    if (now) this.each((vassal) => vassal.handle({ type: 'kill' }));
    if (this.vassals.size === 0) this.allGone();
  }

  /** SIGUSR1: the aggregated table, once every master answered or the deadline passed. */
  private logStatus(): void {
    this.stats.collect(true).then(
      (doc) => {
        for (const line of this.statusTable.lines(doc)) this.log.info(line.fields, line.msg);
      },
      (err: unknown) => this.log.error({ err }, 'status collection failed'),
    );
  }

  private each(action: (vassal: Vassal) => void): void {
    for (const vassal of [...this.vassals.values()]) action(vassal);
  }
}
