// Whether a process is stopped by a signal (SIGSTOP, SIGTSTP...): state T in
// /proc/PID/stat. A stopped master cannot tell anyone, so its emperor looks.
import { readFileSync } from 'node:fs';

/** True if `pid` is stopped (state T, or t when traced); false if running, gone or unknown. */
export function isStopped(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // "PID (comm) S ...": comm may hold spaces and parentheses, the state follows the last ")"
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'T' || state === 't';
}
