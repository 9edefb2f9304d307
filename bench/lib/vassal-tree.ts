// Memory of every master (children of the emperor, or given PIDs) and of their
// workers (the masters' children), from /proc/PID/smaps_rollup.
import { childrenOf, pssOf, threadCount, type Pss } from './proc-stats.js';

export interface GroupMemory {
  readonly count: number;
  /** totals in kB */
  readonly pssKb: number;
  readonly anonKb: number;
  readonly rssKb: number;
  /** total threads */
  readonly threads: number;
}

export interface TreeMemory {
  readonly masters: GroupMemory;
  readonly workers: GroupMemory;
}

function group(pids: readonly number[]): GroupMemory {
  const all = pids.map(pssOf).filter((pss): pss is Pss => pss !== null);
  const sum = (pick: (pss: Pss) => number): number => all.reduce((total, pss) => total + pick(pss), 0);
  const threads = pids.reduce((total, pid) => total + threadCount(pid), 0);
  return { count: all.length, pssKb: sum((p) => p.pssKb), anonKb: sum((p) => p.anonKb), rssKb: sum((p) => p.rssKb), threads };
}

/** Memory of these masters and of all their children. */
export function mastersMemory(masterPids: readonly number[]): TreeMemory {
  return { masters: group(masterPids), workers: group(masterPids.flatMap(childrenOf)) };
}

/** Memory of every master the emperor runs, and of their workers. */
export function emperorTreeMemory(emperorPid: number): TreeMemory {
  return mastersMemory(childrenOf(emperorPid));
}

/** Average per member, in kB (NaN for an empty group). */
export const perMember = (total: number, group: GroupMemory): number => total / group.count;
