// Reading /proc: CPU time, memory (RSS, PSS) and the process tree, by PID.
// Every reader tolerates a process that is gone (returns null or 0).
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc/PID/stat (getconf CLK_TCK; 100 on Linux x86/arm). */
const CLK_TCK = 100;

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Fields of /proc/PID/stat after the command name (index 0 is the state, field 3). */
function statFields(pid: number): string[] | null {
  const text = read(`/proc/${pid}/stat`);
  if (text === null) return null;
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** User + system CPU seconds used so far by `pid` (0 when it is gone). */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  if (fields === null) return 0;
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/**
 * CPU seconds of `pid`'s live threads, to the nanosecond: the first field of every
 * /proc/PID/task/TID/schedstat (time on a CPU), summed. Threads that already ended are
 * not counted (a Node process keeps its threads until it exits). 0 when it is gone.
 */
export function cpuSecondsExact(pid: number): number {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  return tasks.reduce((sum, tid) => sum + Number(read(`/proc/${pid}/task/${tid}/schedstat`)?.split(' ')[0] ?? 0), 0) / 1e9;
}

/** Sum of cpuSeconds over several PIDs. */
export function cpuSecondsOf(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
}

export interface Pss {
  readonly pssKb: number;
  readonly anonKb: number;
  readonly fileKb: number;
  readonly rssKb: number;
}

/** PSS from /proc/PID/smaps_rollup (kB); null when the process is gone. */
export function pssOf(pid: number): Pss | null {
  const text = read(`/proc/${pid}/smaps_rollup`);
  if (text === null) return null;
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { pssKb: field('Pss'), anonKb: field('Pss_Anon'), fileKb: field('Pss_File'), rssKb: field('Rss') };
}

/** VmRSS in kB; null when gone. */
export function rssKb(pid: number): number | null {
  const text = read(`/proc/${pid}/status`);
  const match = text === null ? null : /^VmRSS:\s+(\d+) kB/m.exec(text);
  return match ? Number(match[1]) : null;
}

/** Direct children of `pid`, from every thread's children list. */
export function childrenOf(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const found = new Set<number>();
  for (const task of tasks) {
    for (const word of (read(`/proc/${pid}/task/${task}/children`) ?? '').split(' ')) if (word !== '' && word !== '\n') found.add(Number(word));
  }
  return [...found].filter((child) => Number.isInteger(child) && child > 0);
}

/** Every descendant of `pid`, parents before children. */
export function descendantsOf(pid: number): number[] {
  const out: number[] = [];
  const queue = childrenOf(pid);
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    out.push(next);
    queue.push(...childrenOf(next));
  }
  return out;
}

/** True while `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const fields = statFields(pid);
  return fields !== null && fields[0] !== 'Z';
}

/** MemAvailable in kB. */
export function memAvailableKb(): number {
  return Number(/^MemAvailable:\s+(\d+) kB/m.exec(read('/proc/meminfo') ?? '')?.[1] ?? 0);
}

/** Number of threads (kernel tasks) of `pid`; 0 when gone. */
export function threadCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/task`).length;
  } catch {
    return 0;
  }
}

/** Kernel tasks (threads) in use on the machine, and the most there can be (every thread takes a PID). */
export function taskLimits(): { inUse: number; max: number } {
  const inUse = Number((read('/proc/loadavg') ?? '').split(' ')[3]?.split('/')[1] ?? 0);
  const max = Math.min(Number(read('/proc/sys/kernel/pid_max') ?? 32768), Number(read('/proc/sys/kernel/threads-max') ?? 32768));
  return { inUse, max };
}
