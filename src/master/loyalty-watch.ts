// Byte 17 (loyal) needs a first request served, and a master learns of its
// workers' requests only by asking them (the IPC message statistics use). So
// from the first ready until one is served it asks, less often as time passes,
// and never again after: an idle vassal costs one message per worker every 8 s.
import { isNodeApp } from '../config/vassal-config.js';
import type { VassalConfig } from '../config/vassal-config.js';
import type { Logger } from '../log/logger.js';
import { isLoyal } from './uwsgi-emperor-bytes.js';
import type { WorkerPool } from './worker-pool.js';

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 8_000;
/** a worker that does not answer in time is asked again at the next tick */
const ANSWER_MS = 900;

/** What the watch reads from its master. */
export interface LoyaltyDeps {
  readonly pool: WorkerPool;
  /** the config running now: a reload may change the app's kind */
  readonly config: () => VassalConfig;
  readonly log: Logger;
  readonly onLoyal: () => void;
}

/** Call onLoyal once the vassal has served a request; stop() ends the watch. */
export function watchLoyalty(deps: LoyaltyDeps): { stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let delay = FIRST_DELAY_MS;
  const stop = (): void => {
    stopped = true;
    if (timer !== null) clearTimeout(timer);
  };
  const tick = async (): Promise<void> => {
    const served = await requestsServed(deps.pool);
    if (stopped) return;
    if (isLoyal({ countsRequests: isNodeApp(deps.config().app), requestsServed: served })) {
      stop();
      return deps.onLoyal();
    }
    delay = Math.min(MAX_DELAY_MS, delay * 2);
    schedule();
  };
  const schedule = (): void => {
    timer = setTimeout(() => {
      tick().catch((err: unknown) => {
        deps.log.error({ err }, 'loyalty check failed');
        if (!stopped) schedule();
      });
    }, delay);
    timer.unref();
  };
  schedule();
  return { stop };
}

/** Requests ended so far by every worker this master ever had, after asking the serving ones. */
async function requestsServed(pool: WorkerPool): Promise<number> {
  const serving = pool.current().filter((worker) => worker.readyAt !== null && worker.status !== 'exited');
  await Promise.all(serving.map((worker) => worker.activity(ANSWER_MS)));
  const live = [...pool.current(), ...pool.others()];
  return pool.retired.requests + live.reduce((sum, worker) => sum + (worker.lastActivity?.requests ?? 0), 0);
}
