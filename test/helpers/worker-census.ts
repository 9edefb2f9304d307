// How many workers a master has at once: its children from /proc, sampled
// often while a test runs (zombies, already exited, are not counted).
import { childrenOf, isAlive } from './wait-for.js';

export interface WorkerCensus {
  /** the most live children seen in one sample */
  readonly max: number;
  readonly samples: number;
  stop(): void;
}

/** Sample the live children of `pid` every `everyMs` until stop(). */
export function countWorkers(pid: number, everyMs = 5): WorkerCensus {
  const census = { max: 0, samples: 0, stop: () => clearInterval(timer) };
  const timer = setInterval(() => {
    const live = childrenOf(pid).filter(isAlive).length;
    census.samples += 1;
    if (live > census.max) census.max = live;
  }, everyMs);
  return census;
}
