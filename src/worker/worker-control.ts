// What every Node worker (module or script) does for its master, around the
// app: answer activity requests, drain on a reload (IPC) and on a stop
// (SIGTERM, SIGINT), report the final counts, exit.
import type { Server } from 'node:http';
import type { Server as NetServer } from 'node:net';
import { dispatch, type MasterToWorker, type MessageHandlers, type WorkerToMaster } from '../ipc/protocol.js';
import type { Drainer } from './drain.js';
import type { RequestCounter } from './request-counter.js';

/** Send to the master if it is still there. */
export function sendToMaster(message: WorkerToMaster, done?: () => void): void {
  if (process.connected && process.send !== undefined) process.send(message, undefined, {}, () => done?.());
  else done?.();
}

export interface WorkerControl {
  /** the servers to drain, read when a drain begins (a script's app adds its own as it listens) */
  readonly servers: () => readonly (Server | NetServer)[];
  readonly drainer: Drainer;
  readonly counter: RequestCounter;
  /**
   * After a drain and the final counts: by default exit at once. A script worker
   * whose app has its own SIGTERM handler runs it instead (see app-stop.ts).
   */
  readonly afterDrain?: (cause: DrainCause) => void;
}

/** What a drain was for: a reload (IPC), or a stop by a signal (which the app's own handlers also got). */
export type DrainCause = { readonly why: 'reload' } | { readonly why: 'stop'; readonly signal: NodeJS.Signals };

/** The signal handler a stop uses, so that a script worker can tell it from the app's own. */
export type StopListener = (signal: NodeJS.Signals) => void;

/** Answer the master; returns the listener installed for SIGTERM and SIGINT. */
export function controlWorker(control: WorkerControl): StopListener {
  const { drainer, counter } = control;
  const finish = (cause: DrainCause): void => {
    sendToMaster({ type: 'final-activity', activity: counter.snapshot() }, () => {
      if (control.afterDrain) control.afterDrain(cause);
      else outputFlushed(() => process.exit(0));
    });
  };
  const handlers: MessageHandlers<MasterToWorker> = {
    drain: (message) => {
      // the master's word, but a number all the same: anything else spreads nothing
      const spreadMs = typeof message.spreadMs === 'number' && message.spreadMs > 0 ? message.spreadMs : 0;
      void drainer.drain(control.servers(), { spreadMs }).then(() => finish({ why: 'reload' }));
    },
    'activity-request': (message) => sendToMaster({ type: 'activity', id: message.id, activity: counter.snapshot() }),
  };
  process.on('message', (message) => dispatch(handlers, message));
  // the master's stop (SIGTERM; SIGINT too): finish in-flight requests, close idle connections, exit
  const stop: StopListener = (signal) => void drainer.drain(control.servers(), { closeIdle: true }).then(() => finish({ why: 'stop', signal }));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return stop;
}

/** The app's last lines, still queued on stdout and stderr (pipes to the master), are written before the exit. */
function outputFlushed(then: () => void): void {
  let left = 2;
  const one = (): void => {
    left -= 1;
    if (left === 0) then();
  };
  process.stdout.write('', one);
  process.stderr.write('', one);
}
