// Bounded-concurrency starts: a job holds its slot until its master is ready,
// exits, or the slot limit passes, so a directory of 1,000 vassals comes up a
// few at a time while the emperor keeps handling events.
import PQueue from 'p-queue';

/** The part of p-queue the emperor uses. */
export interface StartQueue {
  add(job: () => Promise<void>): void;
  /** drop every start not yet begun (shutdown) */
  clear(): void;
  readonly waiting: number;
}

/** A p-queue of start jobs; a failing job is reported, never left floating. */
export function createStartQueue(concurrency: number, onJobError: (err: unknown) => void): StartQueue {
  const queue = new PQueue({ concurrency });
  return {
    add: (job) => void queue.add(job).catch(onJobError),
    clear: () => queue.clear(),
    get waiting() {
      return queue.size;
    },
  };
}
