// Wait on a condition with a deadline, never a fixed sleep.
import { readFileSync } from 'node:fs';

/** Poll `check` until it returns a non-undefined value; throw after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** True while a process with this PID exists (zombies count as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // a zombie (exited, not yet reaped) no longer runs anything
    const stat = readStat(pid);
    return stat === undefined || !stat.includes(') Z');
  } catch {
    return false;
  }
}

function readStat(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
}

/** PIDs of the direct children of `pid`, from /proc. */
export function childrenOf(pid: number): number[] {
  try {
    const tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return tasks === '' ? [] : tasks.split(/\s+/).map(Number);
  } catch {
    return [];
  }
}

/** All descendants of `pid`, depth first. */
export function descendantsOf(pid: number): number[] {
  const out: number[] = [];
  for (const child of childrenOf(pid)) out.push(child, ...descendantsOf(child));
  return out;
}

/** One line per live PID (state, kernel wait channel, command line): what a "did not stop" failure should show. */
export function describeLive(pids: readonly number[]): string {
  return pids
    .filter(isAlive)
    .map((pid) => {
      const read = (file: string): string => {
        try {
          return readFileSync(`/proc/${pid}/${file}`, 'utf8').replaceAll('\0', ' ').trim();
        } catch {
          return '?';
        }
      };
      const state = /\) (\S)/.exec(read('stat'))?.[1] ?? '?';
      return `${pid} ${state} wchan=${read('wchan')} ${read('cmdline')}`;
    })
    .join('\n');
}
