// A graceful reload's new generation boots a few workers at a time
// (reload-boot-limit) while the old generation keeps serving: on a machine with
// few cores, every worker booting at once takes the CPU that the serving
// workers need, and their requests wait. The next worker starts as soon as one
// of those booting is ready; the first failure stops the rest.

/** What the turns need of a worker: when it is ready (rejects if it never is). */
export interface BootingInTurn {
  readonly ready: Promise<void>;
}

/**
 * Start `count` workers with `start(index)`, at most `limit` booting at once (0: all at once), each pushed
 * to `started` as it starts; resolves once all are ready; rejects at the first failure, or when `proceed()`
 * says no before the next start. The caller owns every worker in `started` either way.
 */
export function bootInTurns<W extends BootingInTurn>(count: number, limit: number, start: (index: number) => W, started: W[], proceed: () => boolean): Promise<void> {
  const width = limit === 0 ? count : Math.min(limit, count);
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    // after a failure in another lane, nothing more starts
    while (next < count && !failed) {
      if (!proceed()) throw new Error('the master is stopping');
      const worker = start(next);
      next += 1;
      started.push(worker);
      await worker.ready.catch((err: unknown) => {
        failed = true;
        throw err;
      });
    }
  };
  return Promise.all(Array.from({ length: width }, lane)).then(() => undefined);
}
