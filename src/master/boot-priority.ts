// A worker started while others serve (a reload, a chain step, a recycle) boots
// at a lower CPU priority: its start-up (Node, the app's modules) then takes CPU
// from the serving workers less, which is what their latency during a reload is
// made of on a small machine. Once ready it gets the master's priority back, on
// every thread (Linux's setpriority() changes one thread, and V8's helper threads
// inherit the niceness they were created with). Giving it back needs privilege
// (CAP_SYS_NICE: root), so without it nothing is lowered.
import { readdirSync } from 'node:fs';
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
  const normal = getPriority();
  if (!renice(pid, Math.min(19, normal + nice))) return;
  void worker.ready.then(() => restore(pid, normal), () => undefined);
}

function restore(pid: number, priority: number): void {
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
