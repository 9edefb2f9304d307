// The life of one vassal as a pure state machine: every (state, event) pair the
// emperor acts on is one entry of TRANSITIONS; a missing pair means "ignore",
// on purpose. The caller (vassal.ts) performs the returned effects and logs
// every state change; nothing else assigns a state.
import { CONFIG_ERROR_EXIT_CODE } from '../errors.js';
import { nextRestart, type RestartPolicy } from './restart-policy.js';
import { beat, missed, unwatchIfGone, type HeartbeatState } from './vassal-heartbeat.js';
import { EXILE_EXIT_CODE } from './uwsgi-emperor-bytes.js';

/**
 * starting: a start is queued or the master is spawned but not ready yet.
 * ready: the master said its workers serve. failing: the master runs but its
 * workers keep dying (or are not ready in time) and back off; a file change
 * reloads it at once. paused: the master paused its workers (SIGTSTP).
 * reloading: SIGHUP sent (or the master announced a reload), waiting for
 * master-reloaded. stopping: SIGINT sent, waiting for the exit. backoff:
 * waiting before the next start. broken: the config is bad; waits for the file
 * to change (or exited with code 26, uWSGI's exile code, which uWSGI's own
 * Emperor restarts at its next scan). stopped: gone for good.
 */
export type VassalState = 'starting' | 'ready' | 'failing' | 'paused' | 'reloading' | 'stopping' | 'backoff' | 'broken' | 'stopped';

/** Why the emperor stopped a master: recorded before the signal is sent. */
/** idle: a zerg instance stopping by itself (die-on-idle), not a crash */
export type StopReason = 'removed' | 'shutdown' | 'idle';

/** Everything the machine knows about one vassal; replaced, never mutated. */
export interface VassalRecord {
  readonly state: VassalState;
  /** the running master, once spawned */
  readonly pid: number | null;
  /** the current master reported ready at least once */
  readonly wasReady: boolean;
  /** consecutive starts that ended before the master was ready */
  readonly failures: number;
  readonly stopReason: StopReason | null;
  /** the file changed (or a reload was asked) while the master could not take a SIGHUP yet */
  readonly reloadPending: boolean;
  /** the file came back while its old master was still stopping */
  readonly restartAfterStop: boolean;
  /** the last error the master reported: why the vassal is broken, or why its workers fail */
  readonly error: string | null;
  /** the master said its workers are failing, and has not said they recovered */
  readonly workersFailing: boolean;
  /** why the last reload failed (the old workers still serve); null once a reload succeeds */
  readonly reloadFailed: string | null;
  /** heartbeat: the master's period and the deadlines it missed; absent while not watched */
  readonly heartbeat?: HeartbeatState | undefined;
}

/** What can happen to a vassal: file events, master messages and exits, emperor commands, timers. */
export type VassalEvent =
  | { readonly type: 'file-changed' }
  | { readonly type: 'file-removed' }
  | { readonly type: 'spawned'; readonly pid: number }
  /** broken: nothing to retry until the file changes (the program it names does not exist) */
  | { readonly type: 'spawn-failed'; readonly message: string; readonly broken?: boolean }
  /** a master that reports accepting itself (uWSGI's byte 5) did not within afterMs */
  | { readonly type: 'ready-timeout'; readonly afterMs: number }
  | { readonly type: 'master-ready' }
  | { readonly type: 'master-reloading' }
  | { readonly type: 'master-reloaded'; readonly ok: boolean; readonly reason?: string | undefined }
  | { readonly type: 'master-error'; readonly message: string }
  | { readonly type: 'workers-failing'; readonly message: string }
  | { readonly type: 'workers-recovered' }
  | { readonly type: 'master-paused' }
  | { readonly type: 'master-resumed' }
  /** a zerg instance's master is idle and stops by itself (die-on-idle) */
  | { readonly type: 'master-idle' }
  /** heartbeat: the master is alive and beats every everyMs (0: it stopped beating on purpose) */
  | { readonly type: 'master-heartbeat'; readonly everyMs: number }
  /** heartbeat: a deadline passed without a beat */
  | { readonly type: 'heartbeat-missed' }
  | { readonly type: 'exited'; readonly code: number | null; readonly signal: string | null }
  | { readonly type: 'reload' }
  | { readonly type: 'shutdown' }
  | { readonly type: 'kill' }
  | { readonly type: 'backoff-elapsed' }
  | { readonly type: 'clear-backoff' };

/** The event names, the columns of the transition table. */
export type VassalEventType = VassalEvent['type'];

/** What the caller must do, in order, after taking the new record. */
export type Effect =
  | { readonly type: 'spawn' }
  /** why: logged as a warning (the emperor acting on its own, not asked to) */
  | { readonly type: 'signal'; readonly signal: 'SIGHUP' | 'SIGKILL'; readonly why?: string }
  /** SIGINT now, SIGKILL after the mercy period */
  | { readonly type: 'stop' }
  /** the master stops by itself (idle): no signal now, SIGKILL if it is still there after the mercy period */
  | { readonly type: 'await-stop' }
  | { readonly type: 'schedule-restart'; readonly delayMs: number }
  | { readonly type: 'cancel-restart' }
  /** heartbeat: send heartbeat-missed after delayMs unless a beat re-arms it first */
  | { readonly type: 'watch-heartbeat'; readonly delayMs: number }
  | { readonly type: 'unwatch-heartbeat' };

/** The result of one transition. */
export interface Step {
  readonly record: VassalRecord;
  readonly effects: readonly Effect[];
  /** why: logged with the state change */
  readonly reason: string;
}

type Handler<E extends VassalEventType> = (record: VassalRecord, event: Extract<VassalEvent, { type: E }>, policy: RestartPolicy) => Step | null;
type Row = { readonly [E in VassalEventType]?: Handler<E> };

const step = (record: VassalRecord, changes: Partial<VassalRecord>, reason: string, ...effects: Effect[]): Step => ({
  record: { ...record, ...changes },
  effects,
  reason,
});

/** A fresh start: a new master, nothing carried over from the last one but the failure count. */
const start = (record: VassalRecord, reason: string, changes: Partial<VassalRecord> = {}): Step =>
  step(record, { state: 'starting', pid: null, wasReady: false, stopReason: null, reloadPending: false, restartAfterStop: false, error: null, workersFailing: false, reloadFailed: null, ...changes }, reason, { type: 'spawn' });

const stopWith = (stopReason: StopReason) => (record: VassalRecord): Step =>
  record.pid === null
    ? step(record, { state: 'stopped', stopReason }, stopReason === 'removed' ? 'file removed' : 'emperor stopping')
    : step(record, { state: 'stopping', stopReason, reloadPending: false }, stopReason === 'removed' ? 'file removed' : 'emperor stopping', { type: 'stop' });

/** The master stops by itself after this: no signal (a second SIGINT would make its stop brutal) but the same limit, and its exit is no crash. */
const retiring = (record: VassalRecord): Step => step(record, { state: 'stopping', stopReason: 'idle', reloadPending: false }, 'master idle', { type: 'await-stop' });

const hangUp = (record: VassalRecord, reason: string): Step =>
  step(record, { state: 'reloading', reloadPending: false }, reason, { type: 'signal', signal: 'SIGHUP' });

const rememberError = (record: VassalRecord, event: { message: string }): Step => step(record, { error: event.message }, 'master error');

/** Workers keep failing: show it with the error, and take a pending change at once (the master can reload now). */
const failing = (record: VassalRecord, event: { message: string }): Step => {
  const failed = { ...record, error: event.message, workersFailing: true };
  return record.reloadPending ? hangUp(failed, `workers failing, file changed meanwhile: ${event.message}`) : step(failed, { state: 'failing' }, event.message);
};

/** All workers serve (again): ready, and the failure is over. */
const serving = (record: VassalRecord, reason: string): Step => step(record, { state: 'ready', wasReady: true, failures: 0, error: null, workersFailing: false }, reason);

/** Where a vassal goes when it stops being paused or reloading without a change of workers. */
const settledState = (record: VassalRecord): VassalState => (record.workersFailing ? 'failing' : 'ready');

/** An exit nobody asked for: broken on a config error, otherwise restart now or later. */
function unplannedExit(record: VassalRecord, how: string, code: number | null, policy: RestartPolicy): Step {
  if (code === EXILE_EXIT_CODE) {
    const error = `master exited with code ${EXILE_EXIT_CODE}: not started again until its file changes`;
    return step(record, { state: 'broken', pid: null, wasReady: false, error }, error);
  }
  if (code === CONFIG_ERROR_EXIT_CODE) {
    const error = record.error ?? `master exited with code ${CONFIG_ERROR_EXIT_CODE} (config or usage error)`;
    return step(record, { state: 'broken', pid: null, wasReady: false, error }, error);
  }
  const decision = nextRestart(record.wasReady, record.failures, policy);
  const reason = record.error === null ? `master exited (${how})` : `master exited (${how}): ${record.error}`;
  if (decision.delayMs === 0) return start(record, reason, { failures: decision.failures });
  // a transient error (exit 75: port still held, address not up yet) lands here too, never in broken
  const retry = `${reason}; will retry in ${decision.delayMs / 1000} s`;
  return step(record, { state: 'backoff', pid: null, wasReady: false, failures: decision.failures }, retry, { type: 'schedule-restart', delayMs: decision.delayMs });
}

/** The master's report of a reload: the new workers serve, or the old ones still do (reloadFailed). */
function reloadedStep(r: VassalRecord, e: Extract<VassalEvent, { type: 'master-reloaded' }>): Step {
  const reloaded = e.ok
    ? { ...r, state: 'ready' as const, wasReady: true, failures: 0, error: null, workersFailing: false, reloadFailed: null }
    : { ...r, state: settledState(r), reloadFailed: e.reason ?? 'no reason given' };
  const reason = e.ok ? 'master reloaded' : `reload failed, old workers kept: ${reloaded.reloadFailed ?? ''}`;
  return r.reloadPending ? hangUp(reloaded, `${reason}; file changed meanwhile`) : step(reloaded, {}, reason);
}

const exitedUnplanned: Handler<'exited'> = (record, event, policy) =>
  unplannedExit(record, event.signal === null ? `code ${event.code ?? 'unknown'}` : `signal ${event.signal}`, event.code, policy);

/** A master that runs is watched the same way in every state, stopping aside. */
const HEARTBEAT: Row = { 'master-heartbeat': beat, 'heartbeat-missed': missed };

const TRANSITIONS: { readonly [S in VassalState]: Row } = {
  starting: {
    ...HEARTBEAT,
    'master-idle': retiring,
    spawned: (r, e) => step(r, { pid: e.pid }, 'master spawned'),
    'spawn-failed': (r, e, policy) =>
      e.broken === true ? step(r, { state: 'broken', pid: null, wasReady: false, error: e.message }, e.message) : unplannedExit({ ...r, error: e.message }, 'spawn failed', null, policy),
    // killed: its exit is a failed start, with this as the reason, and backs off
    'ready-timeout': (r, e) => {
      const error = `not accepting within ${e.afterMs / 1000} s`;
      return r.pid === null ? null : step(r, { error }, error, { type: 'signal', signal: 'SIGKILL', why: error });
    },
    'master-ready': (r) => (r.reloadPending ? hangUp({ ...r, wasReady: true, failures: 0 }, 'master ready, file changed meanwhile') : step(r, { state: 'ready', wasReady: true, failures: 0 }, 'master ready')),
    'master-error': rememberError,
    'workers-failing': failing,
    exited: exitedUnplanned,
    // not spawned yet: the master will read the new content anyway
    'file-changed': (r) => (r.pid === null ? null : step(r, { reloadPending: true }, 'file changed before ready')),
    reload: (r) => (r.pid === null ? null : step(r, { reloadPending: true }, 'reload before ready')),
    'file-removed': stopWith('removed'),
    shutdown: stopWith('shutdown'),
  },
  ready: {
    ...HEARTBEAT,
    'master-idle': retiring,
    'file-changed': (r) => hangUp(r, 'file changed'),
    reload: (r) => hangUp(r, 'emperor reload'),
    'master-reloading': (r) => step(r, { state: 'reloading' }, 'master reloading'),
    // a reload paused half-way and resumed: its outcome comes after the resume
    'master-reloaded': (r, e) => reloadedStep(r, e),
    'master-error': rememberError,
    'workers-failing': failing,
    'master-paused': (r) => step(r, { state: 'paused' }, 'master paused'),
    exited: exitedUnplanned,
    'file-removed': stopWith('removed'),
    shutdown: stopWith('shutdown'),
  },
  failing: {
    ...HEARTBEAT,
    'master-idle': retiring,
    // the master takes a SIGHUP now: the reload replaces the failing workers
    'file-changed': (r) => hangUp(r, 'file changed'),
    reload: (r) => hangUp(r, 'emperor reload'),
    'master-reloading': (r) => step(r, { state: 'reloading' }, 'master reloading'),
    'workers-failing': (r, e) => step(r, { error: e.message }, 'workers still failing'),
    'workers-recovered': (r) => serving(r, 'workers recovered'),
    'master-ready': (r) => serving(r, 'master ready'),
    'master-reloaded': (r, e) => reloadedStep(r, e),
    'master-paused': (r) => step(r, { state: 'paused' }, 'master paused'),
    'master-error': rememberError,
    exited: exitedUnplanned,
    'file-removed': stopWith('removed'),
    shutdown: stopWith('shutdown'),
  },
  paused: {
    ...HEARTBEAT,
    'master-idle': retiring,
    'master-resumed': (r) => step(r, { state: settledState(r) }, 'master resumed'),
    // the master defers the reload until it is resumed (it then says master-reloading): still paused till then
    'file-changed': (r) => step(r, { reloadPending: false }, 'file changed while paused: reload on resume', { type: 'signal', signal: 'SIGHUP' }),
    reload: (r) => step(r, { reloadPending: false }, 'emperor reload while paused: reload on resume', { type: 'signal', signal: 'SIGHUP' }),
    'master-reloading': (r) => step(r, { state: 'reloading' }, 'master reloading'),
    // a reload paused half-way ended (it failed, say): its outcome is kept, the vassal stays paused
    'master-reloaded': (r, e) => {
      const outcome = reloadedStep(r, e);
      return { ...outcome, record: { ...outcome.record, state: 'paused' } };
    },
    'workers-failing': (r, e) => step(r, { error: e.message, workersFailing: true }, 'workers failing while paused'),
    'master-error': rememberError,
    exited: exitedUnplanned,
    'file-removed': stopWith('removed'),
    shutdown: stopWith('shutdown'),
  },
  reloading: {
    ...HEARTBEAT,
    'master-idle': retiring,
    'master-reloaded': (r, e) => reloadedStep(r, e),
    // a master that starts afresh on reload (uWSGI) says only that it accepts again
    'master-ready': (r) => reloadedStep(r, { type: 'master-reloaded', ok: true }),
    // SIGTSTP froze the new workers too: the reload goes on after the resume
    'master-paused': (r) => step(r, { state: 'paused' }, 'master paused during reload'),
    'file-changed': (r) => step(r, { reloadPending: true }, 'file changed during reload'),
    reload: (r) => step(r, { reloadPending: true }, 'reload during reload'),
    // a re-executed master (uWSGI) that does not accept again in time: killed, its exit restarts it as any crash does
    'ready-timeout': (r, e) => {
      const error = `not accepting within ${e.afterMs / 1000} s after a reload`;
      return step(r, { error }, error, { type: 'signal', signal: 'SIGKILL', why: error });
    },
    'master-error': rememberError,
    // the old workers keep failing while the new ones start: remembered, shown if the reload fails
    'workers-failing': (r, e) => step(r, { error: e.message, workersFailing: true }, 'workers failing during reload'),
    'workers-recovered': (r) => step(r, { error: null, workersFailing: false }, 'workers recovered during reload'),
    exited: exitedUnplanned,
    'file-removed': stopWith('removed'),
    shutdown: stopWith('shutdown'),
  },
  stopping: {
    exited: (r) =>
      r.restartAfterStop && r.stopReason === 'removed'
        ? start(r, 'old master exited, file is back', { failures: 0 })
        : step(r, { state: 'stopped', pid: null }, 'master exited'),
    'file-changed': (r) => (r.stopReason === 'removed' ? step(r, { restartAfterStop: true }, 'file is back while stopping') : null),
    'file-removed': (r) => step(r, { restartAfterStop: false }, 'file removed again'),
    shutdown: (r) => step(r, { stopReason: 'shutdown', restartAfterStop: false }, 'emperor stopping'),
    kill: (r) => step(r, {}, 'emperor stopping now', { type: 'signal', signal: 'SIGKILL' }),
  },
  backoff: {
    'backoff-elapsed': (r) => start(r, 'back-off elapsed'),
    'clear-backoff': (r) => start(r, 'back-off cleared', { failures: 0 }),
    'file-changed': (r) => ({ ...start(r, 'file changed', { failures: 0 }), effects: [{ type: 'cancel-restart' }, { type: 'spawn' }] }),
    'file-removed': (r) => step(r, { state: 'stopped', stopReason: 'removed' }, 'file removed', { type: 'cancel-restart' }),
    shutdown: (r) => step(r, { state: 'stopped', stopReason: 'shutdown' }, 'emperor stopping', { type: 'cancel-restart' }),
  },
  broken: {
    'file-changed': (r) => start(r, 'file changed', { failures: 0 }),
    // the emperor's SIGHUP re-reads every config: a template fixed since may have mended it
    reload: (r) => start(r, 'emperor reload', { failures: 0 }),
    'file-removed': (r) => step(r, { state: 'stopped', stopReason: 'removed' }, 'file removed'),
    shutdown: (r) => step(r, { state: 'stopped', stopReason: 'shutdown' }, 'emperor stopping'),
  },
  stopped: {},
};

/** A new vassal: its file appeared, so start a master. */
export function initialStep(): Step {
  const blank: VassalRecord = { state: 'starting', pid: null, wasReady: false, failures: 0, stopReason: null, reloadPending: false, restartAfterStop: false, error: null, workersFailing: false, reloadFailed: null };
  return step(blank, {}, 'file found', { type: 'spawn' });
}

/** The one place a vassal changes: null when the event means nothing in this state. */
export function transition(record: VassalRecord, event: VassalEvent, policy: RestartPolicy): Step | null {
  const handler = TRANSITIONS[record.state][event.type] as Handler<typeof event.type> | undefined;
  const next = handler === undefined ? null : handler(record, event, policy);
  return next === null ? null : unwatchIfGone(next);
}
