// Requests per second, honestly: the difference between two documents the
// emperor collected at known times (`collected_ms`), for the same master (or
// worker) process. A counter that restarted (a new master or worker pid), a
// vassal without figures, or two reads of one shared collection give no rate.
import type { EmperorStatsDocument, VassalStatsDocument } from '../stats/emperor-document.js';
import type { WorkerStatsDocument } from '../stats/master-document.js';

/** Rates per vassal id and per worker (`workerKey`), null where none could be measured. */
export interface Rates {
  readonly vassals: ReadonlyMap<string, number>;
  readonly workers: ReadonlyMap<string, number>;
}

/** Before two documents exist, or after an outage: nothing measured. */
export const NO_RATES: Rates = { vassals: new Map(), workers: new Map() };

/** The key of a worker process in `Rates.workers`. */
export function workerKey(vassal: VassalStatsDocument, worker: WorkerStatsDocument): string {
  return `${vassal.id}\u0000${worker.pid}`;
}

/** Rates between `before` and `after`; null when they are the same collection (nothing new to say). */
export function measureRates(before: EmperorStatsDocument, after: EmperorStatsDocument): Rates | null {
  const seconds = (after.collected_ms - before.collected_ms) / 1000;
  if (!(seconds > 0)) return null;
  const earlier = new Map(before.vassals.map((vassal) => [vassal.id, vassal]));
  const vassals = new Map<string, number>();
  const workers = new Map<string, number>();
  for (const vassal of after.vassals) {
    const then = earlier.get(vassal.id);
    const now = vassal.stats;
    if (then?.stats == null || now === null || then.stats.pid !== now.pid) continue;
    vassals.set(vassal.id, Math.max(0, now.total_requests - then.stats.total_requests) / seconds);
    const previous = new Map(then.stats.workers.filter((w) => w.pid > 0).map((w) => [w.pid, w]));
    for (const worker of now.workers) {
      const old = previous.get(worker.pid);
      if (old !== undefined && worker.pid > 0 && worker.counted) workers.set(workerKey(vassal, worker), Math.max(0, worker.requests - old.requests) / seconds);
    }
  }
  return { vassals, workers };
}
