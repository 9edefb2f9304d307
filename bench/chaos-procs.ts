// What the chaos run reads in /proc: descriptor counts, zombies, and every
// process it ever saw (PID and start time, so a reused PID is not mistaken for
// ours), to prove at the end that none of them is left, not even as a zombie.
import { readFileSync, readdirSync } from 'node:fs';
import { descendantsOf } from './lib/proc-stats.js';

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** State letter and start time (clock ticks since boot) of `pid`; null when there is no such process at all. */
export function procState(pid: number): { state: string; start: string } | null {
  const text = read(`/proc/${pid}/stat`);
  if (text === null) return null;
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '?', start: fields[19] ?? '?' };
}

/**
 * True once `pid` has closed everything it held: no such process, or a zombie
 * whose threads are all gone. A killed process's main thread shows as a zombie
 * while its other threads still tear down, and its descriptors (a listening
 * socket that still takes connections) live until the last thread exits.
 */
export function isGone(pid: number): boolean {
  const state = procState(pid);
  if (state === null) return true;
  if (state.state !== 'Z') return false;
  try {
    return readdirSync(`/proc/${pid}/task`).length <= 1;
  } catch {
    return true;
  }
}

/** Open descriptors of `pid`; null when it is gone. */
export function fdCount(pid: number): number | null {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
}

/** Descendants of `pid` that exited and were not reaped by their parent. */
export function zombiesUnder(pid: number): number[] {
  return descendantsOf(pid).filter((child) => procState(child)?.state === 'Z');
}

/** PIDs of the processes whose environment holds `marker` (our whole tree carries it). */
export function markedProcesses(marker: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    if (read(`/proc/${pid}/environ`)?.includes(marker) === true) found.push(pid);
  }
  return found;
}

/** Every process the run saw, by PID and start time. */
export class PidRegistry {
  private readonly seen = new Map<number, { start: string; role: string }>();

  /** Remember `pid` (as `role`) if it is running now. */
  add(pid: number, role: string): void {
    if (this.seen.has(pid)) return;
    const state = procState(pid);
    if (state !== null) this.seen.set(pid, { start: state.start, role });
  }

  addTree(root: number, role: string): void {
    this.add(root, role);
    for (const pid of descendantsOf(root)) this.add(pid, `${role} descendant`);
  }

  get size(): number {
    return this.seen.size;
  }

  /** The ones still there (running or zombie), with their state. */
  left(): string[] {
    return this.livePids().map((pid) => `${pid} (${this.seen.get(pid)?.role ?? '?'}, state ${procState(pid)?.state ?? 'gone'})`);
  }

  /** The PIDs still ours (same start time), running or zombie. */
  livePids(): number[] {
    return [...this.seen].filter(([pid, { start }]) => procState(pid)?.start === start).map(([pid]) => pid);
  }
}
