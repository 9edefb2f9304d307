// One worker process as the master sees it: spawned → ready → (draining) → exited.
// Two questions are recorded before the master signals a worker, separately:
// why it ends it (`endReason`, for the log), and whether its slot is refilled
// afterwards (`refill`). A ready-timeout kill is planned but still a failure
// whose slot is refilled; a retired or stopped worker is not replaced.
// A spawn that fails (ENOENT, EAGAIN, EMFILE, or a synchronous throw) ends the
// worker like an exit: `exited` resolves with `spawnError` set.
import type { Readable } from 'node:stream';
import { isNodeApp, type AppSpec, type VassalConfig } from '../config/vassal-config.js';
import { guardChannel } from '../ipc/channel-guard.js';
import { appErrorLine, dispatch, parseWorkerActivity, type AppError, type MasterToWorker, type MessageHandlers, type WorkerActivity, type WorkerToMaster } from '../ipc/protocol.js';
import { describeExit, type ExitInfo } from '../process/exit-info.js';
import type { ChildProcess } from '../process/spawn.js';
import { killGroup, sendSignal, terminate } from '../process/terminate.js';
import type { HeldSocket } from './sockets.js';
import { StderrTail } from './stderr-tail.js';
import { LineSplitter } from '../log/line-splitter.js';
import { WorkerOutput } from './worker-output.js';
import type { Logger } from '../log/logger.js';
import { spawnWorker } from './worker-spawn.js';

export type WorkerStatus = 'starting' | 'ready' | 'draining' | 'exited';

/** Why the master ended a worker; null means nobody asked it to exit (a crash). */
export type EndReason = 'drain' | 'brutal' | 'abort' | 'stop' | 'ready-timeout' | 'harakiri' | 'unresponsive';

/** At most this many log lines per worker about its app's listen() calls (the app may send anything). */
const MAX_APP_NOTES = 32;
/** How long an exit waits for the worker's last stderr bytes before it is reported. */
const STDERR_FLUSH_MS = 200;

/** What a worker tells its pool as it happens. */
export interface WorkerHooks {
  /** as its status becomes `exited`, in the same tick: the pool moves its counts to the retired totals */
  readonly onExited?: (worker: Worker) => void;
  /** something worth a log line (a script's app listening, or ready without every socket) */
  readonly onNote?: (level: 'info' | 'warn', fields: Record<string, unknown>, message: string) => void;
  /** the pool's logger: the worker's stdout and stderr lines are written through it (worker-output.ts) */
  readonly log?: Logger;
}

export class Worker {
  /** null when the spawn failed: there never was a process (never -1 or 0, which kill() reads as groups) */
  readonly pid: number | null;
  status: WorkerStatus = 'starting';
  /** epoch ms of the spawn */
  readonly spawnedAt = Date.now();
  since = Date.now();
  readyAt: number | null = null;
  paused = false;
  /** epoch ms of the last resume: time paused is no request's fault (harakiri counts from here at the earliest) */
  resumedAt = 0;
  /** why the master ended it (null: it ended by itself) */
  endReason: EndReason | null = null;
  /** refill the slot after this exit: false once the master retires or stops it */
  refill = true;
  exit: ExitInfo | null = null;
  /** the spawn itself failed (no process ever ran) */
  spawnError: string | null = null;
  /** what the app reported before dying at start-up (module workers) */
  appError: AppError | null = null;
  /** resolves when ready; rejects with the reason if it exits or times out first */
  readonly ready: Promise<void>;
  readonly exited: Promise<ExitInfo>;
  private readonly child: ChildProcess | null = null;
  private readonly channelFd: number | null = null;
  /** the last bytes of its stderr, for failure reports */
  private readonly stderr: StderrTail | null = null;
  private readyTimer: NodeJS.Timeout | null = null;
  /** log lines written for a script's app-listen and app-unclaimed messages */
  private appNotes = 0;
  /** indexes of the sockets a script worker's app listens on */
  private readonly appListening = new Set<number>();
  /** the latest counts it reported (its final ones once it exited after a drain); null for exec workers */
  lastActivity: WorkerActivity | null = null;
  private nextRequestId = 1;
  private readonly pendingActivity = new Map<number, (activity: WorkerActivity) => void>();

  constructor(
    readonly id: number,
    readonly generation: number,
    private readonly config: VassalConfig,
    private readonly sockets: readonly HeldSocket[],
    private readonly hooks: WorkerHooks = {},
    /** it boots while others serve (a reload, a chain, a recycle) */
    beside = false,
  ) {
    let spawnFailure: unknown = null;
    try {
      const spawned = spawnWorker(config, sockets, id, beside);
      this.child = spawned.child;
      this.channelFd = spawned.channelFd;
    } catch (err) {
      // a synchronous spawn error (EINVAL, EPERM...) is the same failure as an asynchronous one
      spawnFailure = err;
    }
    const child = this.child;
    if (child?.stderr) this.stderr = new StderrTail(child.stderr, hooks.log === undefined ? process.stderr : null);
    if (child && hooks.log) new WorkerOutput(hooks.log.child({ worker: id, workerPid: child.pid ?? null, generation }), { stdout: child.stdout, stderr: child.stderr });
    this.exited = new Promise((resolve) => {
      const failSpawn = (err: unknown): void => {
        if (this.exit !== null) return;
        this.spawnError = this.describeSpawnError(err);
        this.exit = { code: null, signal: null };
        this.setStatus('exited');
        resolve(this.exit);
      };
      if (child === null) return queueMicrotask(() => failSpawn(spawnFailure));
      // without a pid the spawn failed and no 'exit' will follow; later errors concern the IPC channel
      child.on('error', (err) => {
        if (child.pid === undefined) failSpawn(err);
      });
      child.once('exit', (code, signal) => {
        const exit = { code, signal };
        // whatever it started and left behind goes with it (it led its own process group)
        killGroup(child);
        // its last words: stderr, and the final counts on the IPC channel (which may come after 'exit')
        void Promise.all([this.stderrFlushed(), this.channelClosed()]).then(() => {
          this.exit = exit;
          this.setStatus('exited');
          resolve(exit);
        });
      });
    });
    this.pid = this.child?.pid ?? null;
    this.ready = new Promise<void>((resolve, reject) => {
      const becomeReady = (): void => {
        if (this.status !== 'starting') return;
        this.readyAt = Date.now();
        this.setStatus('ready');
        resolve();
      };
      void this.exited.then(() => reject(new Error(this.failure())));
      if (child === null) return;
      this.watchReadiness(child, becomeReady);
      this.armReadyTimeout();
      void this.exited.then(() => this.disarmReadyTimeout());
    });
    // nobody may be waiting (a respawned worker): that must not be an unhandled rejection
    this.ready.catch(() => undefined);
  }

  /** After the exit, the pipe may still hold the worker's last words: wait for its end, briefly. */
  private stderrFlushed(): Promise<void> {
    return Promise.all([this.child?.stdout, this.child?.stderr].map((pipe) => this.pipeClosed(pipe))).then(() => undefined);
  }

  private pipeClosed(pipe: Readable | null | undefined): Promise<void> {
    if (!pipe || pipe.readableEnded || pipe.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, STDERR_FLUSH_MS);
      pipe.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** A module worker's channel may still hold its final-activity message: wait for its end, briefly. */
  private channelClosed(): Promise<void> {
    const child = this.child;
    if (!child?.connected) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, STDERR_FLUSH_MS);
      child.once('disconnect', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private describeSpawnError(err: unknown): string {
    const message = err instanceof Error ? err.message : String(err);
    // Node names the program even when the missing path is the working directory
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${message} (program or chdir ${this.config.chdir} missing)` : message;
  }

  private watchReadiness(child: ChildProcess, becomeReady: () => void): void {
    const app = this.config.app;
    if (isNodeApp(app)) {
      const handlers: MessageHandlers<WorkerToMaster> = {
        ready: becomeReady,
        'app-error': ({ type: _type, ...error }) => (this.appError = error),
        activity: (message) => {
          const activity = parseWorkerActivity(message.activity);
          if (activity === null) return; // left to time out: a report we cannot trust counts as none
          this.lastActivity = activity;
          this.pendingActivity.get(message.id)?.(activity);
          this.pendingActivity.delete(message.id);
        },
        'final-activity': (message) => {
          this.lastActivity = parseWorkerActivity(message.activity) ?? this.lastActivity;
        },
        'app-listen': (message) => this.noteAppListen(message.asked, message.socket, message.repeats),
        'app-unclaimed': (message) => {
          const where = [...new Set(this.socketsWhere(message.sockets))];
          this.note('warn', { worker: this.id, workerPid: this.pid, unclaimed: where }, 'script ready (script-ready-after) without listening on every socket: those get no traffic from this worker');
        },
      };
      // the app runs in the worker and may write anything on its channel: junk is dropped, never the master's crash
      guardChannel(child, {
        onInvalid: () => undefined,
        onOversize: (chars) => {
          this.note('warn', { worker: this.id, workerPid: this.pid, chars }, 'worker message too long: worker killed');
          child.kill('SIGKILL');
        },
      });
      child.on('message', (message) => dispatch(handlers, message));
    } else if (this.channelFd !== null) {
      const pipe = child.stdio[this.channelFd] as Readable | null;
      if (pipe) {
        // line by line, each bounded (a program writing an endless line costs the master nothing)
        const lines = new LineSplitter((line) => line.trim() === 'READY=1' && becomeReady());
        pipe.on('data', (chunk: Buffer) => lines.push(chunk));
        pipe.on('end', () => lines.end());
      }
    } else {
      const timer = setTimeout(becomeReady, app.readyAfterMs);
      void this.exited.then(() => clearTimeout(timer));
    }
  }

  /** A script's app called listen(): on one of our sockets (by index), or binding `asked` itself. */
  private noteAppListen(asked: unknown, socket: unknown, repeats: unknown): void {
    const said = typeof asked === 'string' ? asked.slice(0, 200) : '?';
    const held = typeof socket === 'number' ? this.sockets[socket] : undefined;
    const again = typeof repeats === 'number' ? this.sockets[repeats] : undefined;
    if (again !== undefined) {
      this.note('info', { worker: this.id, workerPid: this.pid, asked: said, where: again.where }, "script listens again on the port of the master's socket: refused (EADDRINUSE), it is served there");
      return;
    }
    if (held === undefined) {
      this.note('warn', { worker: this.id, workerPid: this.pid, asked: said }, 'script binds a port of its own (every socket of the master is taken): with processes > 1 each worker binds it');
      return;
    }
    this.appListening.add(socket as number);
    this.note('info', { worker: this.id, workerPid: this.pid, asked: said, where: held.where }, 'script listens on the master\'s socket');
  }

  /** A log line about the app, until MAX_APP_NOTES of them: the app is untrusted, a flood must not flood the master's log. */
  private note(...args: Parameters<NonNullable<WorkerHooks['onNote']>>): void {
    if (this.appNotes++ < MAX_APP_NOTES) this.hooks.onNote?.(...args);
  }

  private socketsWhere(indexes: unknown): string[] {
    return Array.isArray(indexes) ? indexes.slice(0, this.sockets.length).flatMap((index) => (typeof index === 'number' && this.sockets[index] ? [this.sockets[index].where] : [])) : [];
  }

  /** The last lines it printed on stderr, or null. */
  stderrText(): string | null {
    return this.stderr?.text() ?? null;
  }

  /** Why it ended, for logs and reports: the app's own error or its stderr tail when there is one. */
  failure(): string {
    if (this.spawnError !== null) return `worker ${this.id} could not be started: ${this.spawnError}`;
    const how = this.endReason === 'ready-timeout'
      ? `was not ready within ${this.config.readyTimeoutMs} ms${this.notListening()}`
      : this.endReason === 'harakiri'
        ? `was killed by harakiri (a request ran longer than ${(this.config.policies.harakiriMs ?? 0) / 1000} s)`
        : this.endReason === 'unresponsive'
          ? `was killed by worker-heartbeat (its event loop did not answer for longer than ${(this.config.policies.workerHeartbeatMs ?? 0) / 1000} s)`
        : `exited with ${describeExit(this.exit ?? { code: null, signal: null })}${this.readyAt === null ? ' before it was ready' : ''}`;
    const said = this.appError === null ? (this.stderr?.text() ?? null) : appErrorLine(this.appError);
    return `worker ${this.id} ${how}${said === null ? '' : `: ${said}`}`;
  }

  /** For a script worker not ready in time: the sockets its app never listened on, and what to do. */
  private notListening(): string {
    if (this.config.app.kind !== 'script') return '';
    const missing = this.sockets.filter((_, index) => !this.appListening.has(index)).map((socket) => socket.where);
    if (missing.length === 0) return '';
    return `: the app never listened on ${missing.join(', ')} (a script worker is ready once its app listens on every socket of the master; ` +
      'an app that binds its port by other means, a native addon say, cannot be served; one that listens late needs script-ready-after or a longer ready-timeout)';
  }

  private setStatus(status: WorkerStatus): void {
    this.status = status;
    this.since = Date.now();
    if (status === 'exited') this.hooks.onExited?.(this);
  }

  get kind(): AppSpec['kind'] {
    return this.config.app.kind;
  }

  /**
   * Finish in-flight requests and exit, SIGKILL after `mercyMs`; the slot is not
   * refilled. Exec workers get their exec-stop-signal. A module worker retired by
   * a reload is told over IPC and keeps its idle keep-alive connections until
   * their next request (after `spreadMs`, at a random moment per connection);
   * one stopped for good gets SIGTERM and closes them.
   */
  drain(why: 'reload' | 'stop', mercyMs: number, onEscalate: () => void, spreadMs = 0): Promise<void> {
    this.endReason ??= why === 'reload' ? 'drain' : 'stop';
    this.refill = false;
    const child = this.child;
    if (this.status === 'exited' || child === null) return this.exited.then(() => undefined);
    this.setStatus('draining');
    const app = this.config.app;
    if (app.kind === 'exec') return terminate(child, { signal: app.stopSignal, graceMs: mercyMs, onEscalate, group: true });
    if (why === 'stop') return terminate(child, { signal: 'SIGTERM', graceMs: mercyMs, onEscalate, group: true });
    this.resume();
    this.send({ type: 'drain', spreadMs });
    return terminate(child, { signal: null, graceMs: mercyMs, onEscalate, group: true });
  }

  /** harakiri or worker-heartbeat: SIGKILL now; unlike stop(), its slot is refilled (the respawn back-off decides when). */
  harakiri(why: 'harakiri' | 'unresponsive' = 'harakiri'): void {
    this.endReason ??= why;
    if (this.child !== null && this.status !== 'exited') killGroup(this.child);
  }

  /** End now: `signal` (then SIGKILL after graceMs), recording why. Its slot is not refilled. */
  stop(reason: Exclude<EndReason, 'ready-timeout' | 'harakiri' | 'unresponsive'>, signal: NodeJS.Signals, graceMs: number): Promise<void> {
    this.endReason ??= reason;
    this.refill = false;
    if (this.child === null) return this.exited.then(() => undefined);
    return terminate(this.child, { signal, graceMs, group: true });
  }

  /** ready-timeout counts only while the worker runs: a pause stops the clock, a resume starts it again. */
  private armReadyTimeout(): void {
    this.disarmReadyTimeout();
    const child = this.child;
    if (child === null || this.status !== 'starting') return;
    this.readyTimer = setTimeout(() => {
      if (this.status !== 'starting') return;
      // planned, but a failure all the same: the slot is refilled with back-off
      this.endReason ??= 'ready-timeout';
      killGroup(child);
    }, this.config.readyTimeoutMs);
  }

  private disarmReadyTimeout(): void {
    if (this.readyTimer !== null) clearTimeout(this.readyTimer);
    this.readyTimer = null;
  }

  pause(): void {
    if (this.paused || this.status === 'exited' || this.child === null) return;
    this.paused = true;
    this.disarmReadyTimeout();
    sendSignal(this.child, 'SIGSTOP');
  }

  resume(): void {
    if (!this.paused || this.child === null) return;
    this.paused = false;
    this.resumedAt = Date.now();
    sendSignal(this.child, 'SIGCONT');
    this.armReadyTimeout();
  }

  /** Requests served and in flight (module workers only; null when unknown). */
  activity(timeoutMs: number): Promise<WorkerActivity | null> {
    if (!isNodeApp(this.config.app) || this.status === 'exited' || this.paused) return Promise.resolve(null);
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
    const child = this.child;
    if (child?.connected) child.send(message, (err) => err && undefined);
  }
}

