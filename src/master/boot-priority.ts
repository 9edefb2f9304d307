// A worker started while others serve (a reload, a chain step, a recycle) boots
// at a lower CPU priority: its start-up (Node, the app's modules) then takes CPU
// from the serving workers less, which is what their latency during a reload is
// made of on a small machine. Once ready it gets its priority back.
// With autogroups on (/proc/sys/kernel/sched_autogroup_enabled), every worker is
// a session of its own (spawned detached), so an autogroup of its own, and the
// scheduler shares the CPU between autogroups before threads: a thread's
// niceness then weighs only against the same worker's threads, and what counts
// is the autogroup's niceness (/proc/PID/autogroup). Without autogroups, every
// thread's niceness (setpriority() changes one thread; V8's helper threads keep
// what they were created with). Both are given back only by a privileged master
// (root), so without privilege nothing is lowered.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** The niceness to add and the worker to add it to; `ready` settles when it is ready or gone. */
export interface BootingWorker {
  readonly pid: number | null;
  readonly ready: Promise<void>;
}

/** Lower `worker` by `nice` (0: nothing) until it is ready. Never throws: a worker already gone is no concern. */
export function bootAtLowerPriority(worker: BootingWorker, nice: number): void {
  const pid = worker.pid;
  if (nice === 0 || pid === null || process.getuid?.() !== 0) return;
  if (autogroupsOn()) return lowerAutogroup(pid, worker.ready, nice);
  const normal = getPriority();
  if (!renice(pid, Math.min(19, normal + nice))) return;
  void worker.ready.then(() => restoreThreads(pid, normal), () => undefined);
}

function autogroupsOn(): boolean {
  try {
    return readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1';
  } catch {
    return false;
  }
}

/** `pid`'s autogroup and its niceness ("/autogroup-123 nice 5"), null when unknown or gone. */
function autogroupOf(pid: number | 'self'): { readonly name: string; readonly nice: number } | null {
  try {
    const match = /^(\S+) nice (-?\d+)/.exec(readFileSync(`/proc/${pid}/autogroup`, 'utf8'));
    return match ? { name: match[1] ?? '', nice: Number(match[2]) } : null;
  } catch {
    return null;
  }
}

/** The niceness of `pid`'s autogroup, null when unknown or gone. */
export function autogroupNice(pid: number): number | null {
  return autogroupOf(pid)?.nice ?? null;
}

function setAutogroupNice(pid: number, nice: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/autogroup`, String(nice));
    return true;
  } catch {
    return false;
  }
}

function lowerAutogroup(pid: number, ready: Promise<void>, nice: number): void {
  const group = autogroupOf(pid);
  // a worker still in the master's autogroup (not a session of its own) would take the master down with it
  if (group === null || group.name === autogroupOf('self')?.name) return;
  const normal = group.nice;
  const lowered = Math.min(19, normal + nice);
  if (!setAutogroupNice(pid, lowered)) return;
  // given back only if still ours: an exec worker's program may have set its own meanwhile
  const restore = (): void => void (autogroupNice(pid) === lowered && setAutogroupNice(pid, normal));
  void ready.then(restore, () => undefined);
}

function restoreThreads(pid: number, priority: number): void {
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return; // gone
  }
  for (const thread of threads) renice(Number(thread), priority);
}

function renice(id: number, priority: number): boolean {
  try {
    setPriority(id, priority);
    return true;
  } catch {
    return false;
  }
}
