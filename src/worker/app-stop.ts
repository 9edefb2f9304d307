// How a script worker ends around an app that may have its own SIGTERM or
// SIGINT handlers (production apps often close their server and exit there).
// On a reload our drain comes first (no connection is lost), then the app's
// handlers run as if the signal had come; on a stop the signal reaches the
// app's handlers at once, next to ours. An app without handlers exits when our
// drain is done; one with handlers exits when they exit it (the master's mercy
// is the limit, as for any worker).
import type { Server as NetServer } from 'node:net';
import type { DrainCause, StopListener } from './worker-control.js';

/** What follows our drain: wait for the app's handlers the signal already reached, run them now, or exit. */
export type AppStopPlan = { readonly kind: 'wait' } | { readonly kind: 'run'; readonly signal: NodeJS.Signals } | { readonly kind: 'exit' };

/** The plan, from how many SIGTERM and SIGINT handlers of its own the app has. */
export function planAppStop(cause: DrainCause, own: Readonly<Record<'SIGTERM' | 'SIGINT', number>>): AppStopPlan {
  // on a stop the signal itself already reached the app's handlers: they exit when they are done
  if (cause.why === 'stop' && (cause.signal === 'SIGTERM' || cause.signal === 'SIGINT') && own[cause.signal] > 0) return { kind: 'wait' };
  if (own.SIGTERM > 0) return { kind: 'run', signal: 'SIGTERM' };
  return own.SIGINT > 0 ? { kind: 'run', signal: 'SIGINT' } : { kind: 'exit' };
}

/** After our drain: carry out planAppStop with the app's listeners (all but `ours`). */
export function runAppStop(cause: DrainCause, ours: StopListener, exit: () => void): void {
  const own = (signal: NodeJS.Signals): StopListener[] => (process.listeners(signal) as StopListener[]).filter((listener) => listener !== ours);
  const plan = planAppStop(cause, { SIGTERM: own('SIGTERM').length, SIGINT: own('SIGINT').length });
  if (plan.kind === 'exit') return exit();
  if (plan.kind === 'run') for (const handler of own(plan.signal)) handler(plan.signal);
}

/**
 * Our drain closes the app's server before the app's own handler does; in plain
 * Node its server.close(callback) would then fail at once with
 * ERR_SERVER_NOT_RUNNING, and an app that exits in the callback would drop the
 * requests still being answered. Instead the callback runs once the server is
 * really closed (its last connection gone), as the app meant.
 */
export function closeAfterOurDrain(server: NetServer, drainBegun: () => boolean): void {
  let closed = false;
  server.once('close', () => (closed = true));
  const close = server.close.bind(server);
  server.close = function (this: NetServer, callback?: (err?: Error) => void): NetServer {
    if (!drainBegun()) return close(callback);
    if (closed) process.nextTick(() => callback?.());
    else if (callback !== undefined) this.once('close', () => callback());
    // idle keep-alive connections: our drain closes them on a stop (after a grace for requests just received)
    return this;
  };
}
