// One worker process as the master sees it: spawned → ready → (draining) → exited.
// The reason for every exit the master causes is recorded before the signal,
// so the exit handler can tell a planned exit from a crash.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { VassalConfig } from '../config/vassal-config.js';
import { dispatch, type MasterToWorker, type MessageHandlers, type WorkerActivity, type WorkerToMaster } from '../ipc/protocol.js';
import { describeExit, type ExitInfo } from '../process/exit-info.js';
import { sendSignal, terminate } from '../process/terminate.js';
import type { HeldSocket } from './sockets.js';
import { spawnWorker } from './worker-spawn.js';

export type WorkerStatus = 'starting' | 'ready' | 'draining' | 'exited';

/** Why the master ended a worker; null means nobody asked it to exit (a crash). */
export type ExitIntent = 'drain' | 'brutal' | 'abort' | 'stop' | 'ready-timeout' | null;

export class Worker {
  readonly pid: number;
  status: WorkerStatus = 'starting';
  since = Date.now();
  readyAt: number | null = null;
  paused = false;
  intent: ExitIntent = null;
  exit: ExitInfo | null = null;
  /** what the app reported before dying at start-up (module workers) */
  appError: string | null = null;
  /** resolves when ready; rejects with the reason if it exits or times out first */
  readonly ready: Promise<void>;
  readonly exited: Promise<ExitInfo>;
  private readonly spawned;
  private nextRequestId = 1;
  private readonly pendingActivity = new Map<number, (activity: WorkerActivity) => void>();

  constructor(
    readonly id: number,
    readonly generation: number,
    private readonly config: VassalConfig,
    sockets: readonly HeldSocket[],
  ) {
    this.spawned = spawnWorker(config, sockets, id);
    const child = this.spawned.child;
    this.pid = child.pid ?? -1;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        this.setStatus('exited');
        resolve(this.exit);
      });
    });
    this.ready = new Promise<void>((resolve, reject) => {
      const becomeReady = (): void => {
        if (this.status !== 'starting') return;
        this.readyAt = Date.now();
        this.setStatus('ready');
        resolve();
      };
      this.watchReadiness(becomeReady);
      const timer = setTimeout(() => {
        if (this.status !== 'starting') return;
        this.intent ??= 'ready-timeout';
        sendSignal(child, 'SIGKILL');
      }, config.readyTimeoutMs);
      void this.exited.then((exit) => {
        clearTimeout(timer);
        reject(new Error(this.describeEarlyExit(exit)));
      });
    });
    // nobody may be waiting (a respawned worker): that must not be an unhandled rejection
    this.ready.catch(() => undefined);
    child.on('error', () => undefined);
  }

  private watchReadiness(becomeReady: () => void): void {
    const app = this.config.app;
    const child = this.spawned.child;
    if (app.kind === 'module') {
      const handlers: MessageHandlers<WorkerToMaster> = {
        ready: becomeReady,
        'app-error': (message) => (this.appError = message.message),
        activity: (message) => {
          this.pendingActivity.get(message.id)?.(message.activity);
          this.pendingActivity.delete(message.id);
        },
      };
      child.on('message', (message) => dispatch(handlers, message));
    } else if (this.spawned.channelFd !== null) {
      const pipe = child.stdio[this.spawned.channelFd] as Readable | null;
      if (pipe) createInterface({ input: pipe }).on('line', (line) => line.trim() === 'READY=1' && becomeReady());
    } else {
      const timer = setTimeout(becomeReady, app.readyAfterMs);
      void this.exited.then(() => clearTimeout(timer));
    }
  }

  private describeEarlyExit(exit: ExitInfo): string {
    if (this.intent === 'ready-timeout') return `worker ${this.id} was not ready within ${this.config.readyTimeoutMs} ms`;
    return `worker ${this.id} exited with ${describeExit(exit)} before it was ready${this.appError ? `: ${this.appError}` : ''}`;
  }

  private setStatus(status: WorkerStatus): void {
    this.status = status;
    this.since = Date.now();
  }

  get isModule(): boolean {
    return this.config.app.kind === 'module';
  }

  /** Finish in-flight requests and exit; SIGKILL after `mercyMs`. */
  drain(mercyMs: number, onEscalate: () => void): Promise<void> {
    this.intent ??= 'drain';
    if (this.status === 'exited') return Promise.resolve();
    this.setStatus('draining');
    const app = this.config.app;
    if (app.kind === 'module') {
      this.resume();
      this.send({ type: 'drain' });
      return terminate(this.spawned.child, { signal: null, graceMs: mercyMs, onEscalate });
    }
    return terminate(this.spawned.child, { signal: app.stopSignal, graceMs: mercyMs, onEscalate });
  }

  /**
   * Stop for good, letting in-flight requests finish: module workers get SIGTERM
   * (they drain and close idle keep-alive connections), exec workers their
   * exec-stop-signal; SIGKILL after `mercyMs`.
   */
  finish(mercyMs: number, onEscalate: () => void): Promise<void> {
    this.intent ??= 'stop';
    if (this.status === 'exited') return Promise.resolve();
    this.setStatus('draining');
    const app = this.config.app;
    return terminate(this.spawned.child, { signal: app.kind === 'exec' ? app.stopSignal : 'SIGTERM', graceMs: mercyMs, onEscalate });
  }

  /** End now: `signal` (then SIGKILL after graceMs), recording why. */
  stop(intent: Exclude<ExitIntent, null>, signal: NodeJS.Signals, graceMs: number): Promise<void> {
    this.intent ??= intent;
    return terminate(this.spawned.child, { signal, graceMs });
  }

  pause(): void {
    if (this.paused || this.status === 'exited') return;
    this.paused = true;
    sendSignal(this.spawned.child, 'SIGSTOP');
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    sendSignal(this.spawned.child, 'SIGCONT');
  }

  /** Requests served and in flight (module workers only; null when unknown). */
  activity(timeoutMs: number): Promise<WorkerActivity | null> {
    if (!this.isModule || this.status === 'exited' || this.paused) return Promise.resolve(null);
    const id = this.nextRequestId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pendingActivity.delete(id);
        resolve(null);
      }, timeoutMs);
      this.pendingActivity.set(id, (activity) => {
        clearTimeout(timer);
        resolve(activity);
      });
      this.send({ type: 'activity-request', id });
    });
  }

  private send(message: MasterToWorker): void {
    const child = this.spawned.child;
    if (child.connected) child.send(message, (err) => err && undefined);
  }
}
