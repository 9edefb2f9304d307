// Messages on the IPC channels: master <-> module worker, and master -> emperor.
// Every message has a `type`; receivers dispatch through a handler map that the
// compiler checks is complete (see `MessageHandlers`).
import type { MasterStatsDocument } from '../stats/master-document.js';

/** What one worker reports about itself when the master asks (and once more as it exits). */
export interface WorkerActivity {
  /** responses ended since the worker started */
  readonly requests: number;
  /** the handler threw or its promise rejected, or a response ended with an error */
  readonly exceptions: number;
  /** bytes written to clients */
  readonly tx: number;
  /** running average response time, microseconds (uWSGI's avg_rt: each response weighs half) */
  readonly avgRtUs: number;
  /** microseconds spent serving, summed over responses */
  readonly runningTimeUs: number;
  readonly inflight: number;
  /** the oldest request still being answered, e.g. "GET /slow", and since when (epoch ms) */
  readonly current?: { readonly request: string; readonly since: number };
}

const COUNTS = ['requests', 'exceptions', 'tx', 'avgRtUs', 'runningTimeUs', 'inflight'] as const;
/** A request line longer than this is cut: a worker's report is the app's to shape. */
const MAX_REQUEST_LINE = 256;

/**
 * A worker's activity report as the master may trust it, or null: the worker
 * runs the app, which can send anything on the channel. Counts must be finite
 * and >= 0 (a negative one would break every /metrics that includes it).
 */
export function parseWorkerActivity(value: unknown): WorkerActivity | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  const counts: Record<string, number> = {};
  for (const key of COUNTS) {
    const n = record[key];
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return null;
    counts[key] = n;
  }
  const current = record.current as { request?: unknown; since?: unknown } | undefined;
  const valid = typeof current?.request === 'string' && typeof current.since === 'number' && Number.isFinite(current.since);
  return {
    ...(counts as unknown as Omit<WorkerActivity, 'current'>),
    ...(valid && { current: { request: (current.request as string).slice(0, MAX_REQUEST_LINE), since: current.since as number } }),
  };
}

/** Why an app could not start: what it threw while loading, and where. */
export interface AppError {
  readonly message: string;
  /** the error's class name, e.g. "SyntaxError" */
  readonly errorType?: string;
  /** where it was thrown: the app's own frame when the stack has one */
  readonly file?: string;
  readonly line?: number;
  readonly stack?: string;
  /** the vassal's config does not fit its app (a raw socket, no `connection` export): a config error, not worth a respawn */
  readonly configError?: true;
}

/** "TypeError at /app/x.mjs:3: boom": an app error in one line. */
export function appErrorLine(error: AppError): string {
  const where = error.file === undefined ? '' : ` at ${error.file}${error.line === undefined ? '' : `:${error.line}`}`;
  return `${error.errorType ?? 'Error'}${where}: ${error.message}`;
}

export type WorkerToMaster =
  | { readonly type: 'ready' }
  | ({ readonly type: 'app-error' } & AppError)
  | { readonly type: 'activity'; readonly id: number; readonly activity: WorkerActivity }
  /** the last counts, sent once just before a drained worker exits */
  | { readonly type: 'final-activity'; readonly activity: WorkerActivity }
  /**
   * a script worker's app called listen(): `socket` is the index of the master's socket it
   * was given, or null when it binds `asked` itself (all the master's sockets are taken);
   * `repeats`: the socket whose port or path it asked for again, refused with EADDRINUSE
   */
  | { readonly type: 'app-listen'; readonly asked: string; readonly socket: number | null; readonly repeats?: number }
  /** a script worker became ready without listening on every socket (script-ready-after) */
  | { readonly type: 'app-unclaimed'; readonly sockets: readonly number[] };

export type MasterToWorker =
  // spreadMs: a generation switch spreads the keep-alive clients' reconnects over this window (drain.ts)
  | { readonly type: 'drain'; readonly spreadMs?: number }
  | { readonly type: 'activity-request'; readonly id: number };

/** Why a master asks for reinforcements: every worker busy, a deep listen queue, or the operator (master FIFO `B`). */
export type SosReason = 'busy' | 'backlog' | 'fifo';

export type MasterToEmperor =
  // reloadMercyMs: the master's own stop limit, told once its config is loaded and after each
  // reload; the emperor waits at least that long before SIGKILL
  | { readonly type: 'master-started'; readonly pid: number; readonly reloadMercyMs: number }
  | { readonly type: 'master-ready'; readonly pid: number; readonly generation: number }
  | { readonly type: 'master-reloading'; readonly generation: number }
  | { readonly type: 'master-reloaded'; readonly generation: number; readonly ok: boolean; readonly durationMs: number; readonly reason?: string; readonly reloadMercyMs?: number }
  | { readonly type: 'master-error'; readonly code: string; readonly message: string }
  /** a worker died before it was ready (or was not ready in time) and its slot is backing off */
  | { readonly type: 'workers-failing'; readonly error: string; readonly failures: number; readonly retryInMs: number }
  /** every worker slot serves again after workers-failing */
  | { readonly type: 'workers-recovered'; readonly generation: number }
  | { readonly type: 'master-paused' }
  | { readonly type: 'master-resumed' }
  | { readonly type: 'master-stats'; readonly id: number; readonly stats: MasterStatsDocument }
  /** broodlord (uWSGI's byte 30): every worker busy for vassal-sos, or a listen queue at vassal-sos-backlog */
  | { readonly type: 'master-sos'; readonly reason: SosReason; readonly busyMs?: number; readonly backlog?: number }
  /** master FIFO `E` (uWSGI sends the emperor SIGWINCH): rescan the vassal files now */
  | { readonly type: 'master-rescan' }
  /** die-on-idle (uWSGI's byte 22): no request for `idle`; a graceful stop and exit 0 follow, not a crash */
  | { readonly type: 'master-idle'; readonly idleMs: number }
  /** heartbeat (uWSGI's byte 26): alive, next beat within everyMs; everyMs 0: a reload turned the heartbeat off */
  | { readonly type: 'master-heartbeat'; readonly everyMs: number }
  /** a listening socket the master bound, sent with its handle: the emperor keeps a copy across a crash */
  | ({ readonly type: 'master-socket' } & KeptSocketInfo)
  /** the keys of every socket the master serves now: the emperor releases the copies of the others */
  | { readonly type: 'master-sockets'; readonly keys: readonly string[] }
  /** a starting master asks for the copies the emperor kept from its predecessor */
  | { readonly type: 'kept-sockets-request' };

/** Set by the emperor on every master it starts: it answers kept-sockets-request. */
export const KEEPER_ENV = 'UW_SOCKET_KEEPER';

/** A kept listening socket: its key (see master/kept-sockets.ts) and, for UNIX, the file bind() made. */
export interface KeptSocketInfo {
  readonly key: string;
  readonly file?: { readonly dev: number; readonly ino: number };
}

export type EmperorToMaster =
  | { readonly type: 'stats-request'; readonly id: number }
  /** `uwemperor logs reopen` (logrotate's postrotate): reopen the log file, as FIFO `l` does */
  | { readonly type: 'reopen-logs' }
  /** the answer to kept-sockets-request: the keys of the kept-socket messages that follow, one handle each */
  | { readonly type: 'kept-sockets'; readonly keys: readonly string[] }
  | ({ readonly type: 'kept-socket' } & KeptSocketInfo);

/** `handle`: what Node's IPC passed along with the message (a descriptor), if anything. */
type Handler<M, T> = (message: Extract<M, { type: T }>, handle?: unknown) => void;
/** A handler for every message type of M: adding a type without a handler is a compile error. */
export type MessageHandlers<M extends { type: string }> = { readonly [T in M['type']]: Handler<M, T> };

/** Dispatch a message through its handler; unknown shapes are ignored on purpose. */
export function dispatch<M extends { type: string }>(handlers: MessageHandlers<M>, message: unknown, handle?: unknown): void {
  if (typeof message !== 'object' || message === null) return;
  const type = (message as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(handlers, type)) return;
  (handlers[type as M['type']] as (m: unknown, h: unknown) => void)(message, handle);
}
