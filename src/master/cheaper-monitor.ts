// The timers of cheaper mode and of idle with cheap. Once a second the spare
// algorithm samples how many active workers are busy (a Node worker answers
// with its requests in flight; one that does not answer in time, or is still
// starting, counts as busy) and adds or retires workers. After idle with
// cheap, no worker runs: the listen queues are read every 100 ms, and the
// first connection waiting wakes the workers (it waits in the backlog, it is
// not refused).
import type { CheaperMode } from '../config/vassal-config.js';
import type { Logger } from '../log/logger.js';
import { SpareAlgorithm } from './cheaper-spare.js';
import { startPeriodicCheck, type PeriodicCheck } from './periodic-check.js';
import { listenQueues } from './listen-queue.js';
import type { HeldSocket } from './sockets.js';
import type { WorkerPool } from './worker-pool.js';

const TICK_MS = 1_000;
const ANSWER_MS = 900;
/** how often a cheap master looks for a waiting connection */
const WAKE_POLL_MS = 100;

/** Spare algorithm: started by a master in cheaper mode. */
export function startCheaperMonitor(cheaper: CheaperMode, pool: WorkerPool, log: Logger): { stop(): void } {
  const spare = new SpareAlgorithm(cheaper);
  const tick = async (check: PeriodicCheck): Promise<void> => {
    const ready = pool.current().filter((worker) => worker.status === 'ready');
    const answers = await Promise.all(ready.map((worker) => worker.activity(ANSWER_MS)));
    // stopped meanwhile (a reload, a stop): the answers are for a config that is gone
    if (check.stopped) return;
    const { active, cheap } = pool.counts();
    const free = answers.filter((answer) => answer !== null && answer.inflight === 0).length;
    const decision = spare.sample({ active, busy: active - free, spare: cheap });
    if (decision > 0) pool.grow(decision);
    else if (decision < 0) pool.shrink(cheaper.min);
  };
  return startPeriodicCheck(TICK_MS, tick, (err) => log.error({ err }, 'cheaper check failed'), () => pool.paused);
}

/** Idle with cheap: wait for a connection in a listen queue, then call `wake` until it says it woke the workers (not while paused). */
export function watchForWake(sockets: () => readonly HeldSocket[], backlog: number, wake: () => boolean): { stop(): void } {
  const timer = setInterval(() => {
    if (!listenQueues(sockets(), backlog).some((queue) => queue.queue > 0)) return;
    if (wake()) clearInterval(timer);
  }, WAKE_POLL_MS);
  return { stop: () => clearInterval(timer) };
}
