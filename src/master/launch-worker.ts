// Start one worker and log its life, one line per event: spawned, ready,
// exited (with the app's own error when it could not start). Its final counts
// move to the pool's retired totals as it exits.
import type { Logger } from '../log/logger.js';
import type { VassalConfig } from '../config/vassal-config.js';
import type { HeldSocket } from './sockets.js';
import { clearAcceptSlot } from './accept-board.js';
import { Worker } from './worker.js';

/** Counts of workers that exited, so that a master's totals never go down. */
export interface RetiredCounts {
  requests: number;
  exceptions: number;
}

/**
 * Spawn worker `id` of `generation` (`beside`: while others serve); a spawn that failed is logged once, as
 * `worker exited` with its spawnError.
 */
export function launchWorker(id: number, generation: number, config: VassalConfig, sockets: readonly HeldSocket[], log: Logger, retired: RetiredCounts, beside = false): Worker {
  const worker = new Worker(id, generation, config, sockets, {
    onExited: (gone) => {
      retired.requests += gone.lastActivity?.requests ?? 0;
      retired.exceptions += gone.lastActivity?.exceptions ?? 0;
      // its siblings no longer balance against its last count
      clearAcceptSlot(id - 1);
    },
    onNote: (level, fields, message) => log[level]({ generation, ...fields }, message),
    log,
  }, beside);
  if (worker.pid !== null) log.info({ worker: id, workerPid: worker.pid, generation }, 'worker spawned');
  void worker.ready.then(() => log.info({ worker: id, workerPid: worker.pid, generation }, 'worker ready'), () => undefined);
  void worker.exited.then((exit) => {
    const { appError, spawnError } = worker;
    log.info({ worker: id, workerPid: worker.pid, generation, code: exit.code, signal: exit.signal, endReason: worker.endReason, ...(spawnError !== null && { spawnError }) }, 'worker exited');
    // the app's own account of why it could not start: type, place and stack
    if (appError !== null) log.error({ worker: id, workerPid: worker.pid, generation, ...appError }, 'worker app error');
  });
  return worker;
}
