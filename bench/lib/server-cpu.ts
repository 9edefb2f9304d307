// CPU time of a server's whole process tree (root and every descendant), and of
// its root alone, between two points: how much the master / primary itself costs.
import { cpuSeconds, cpuSecondsOf, descendantsOf } from './proc-stats.js';

export interface CpuSample {
  readonly root: number;
  readonly tree: number;
  readonly at: number;
}

export function sampleCpu(rootPid: number): CpuSample {
  return { root: cpuSeconds(rootPid), tree: cpuSeconds(rootPid) + cpuSecondsOf(descendantsOf(rootPid)), at: Date.now() };
}

/** Percent of one core used between two samples, for the tree and the root. */
export function cpuPercent(before: CpuSample, after: CpuSample): { tree: number; root: number; seconds: number } {
  const seconds = (after.at - before.at) / 1000;
  return { tree: ((after.tree - before.tree) / seconds) * 100, root: ((after.root - before.root) / seconds) * 100, seconds };
}
