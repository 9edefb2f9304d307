// Stop a child within a limit: send a signal, wait up to the grace period, then
// SIGKILL. The timer is cancelled the moment the child exits, so it cannot leak.
import type { ChildProcess } from 'node:child_process';

export interface TerminateOptions {
  /** null: the child was already asked another way (an IPC message); only wait */
  readonly signal: NodeJS.Signals | null;
  readonly graceMs: number;
  /** told when the grace period ran out and SIGKILL was sent */
  readonly onEscalate?: () => void;
  /** the child leads its own process group: the SIGKILL goes to the whole group */
  readonly group?: boolean;
}

/** True once the child has exited (exit code or signal known). */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Signal `child`, escalate to SIGKILL after the grace period; resolves on exit. */
export function terminate(child: ChildProcess, options: TerminateOptions): Promise<void> {
  if (hasExited(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      options.onEscalate?.();
      if (options.group === true) killGroup(child);
      else sendSignal(child, 'SIGKILL');
    }, options.graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (options.signal !== null) sendSignal(child, options.signal);
    // a stopped (paused) process only acts on most signals once it runs again
    if (options.signal !== 'SIGKILL') sendSignal(child, 'SIGCONT');
  });
}

/**
 * SIGKILL a child that leads its own process group, and everything else in the
 * group: what it started itself (a shell's children, an app's subprocesses)
 * would otherwise be orphaned, and keep a port or a file.
 */
export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is empty
  }
}

/** kill() that tolerates a child which already exited. */
export function sendSignal(child: ChildProcess, signal: NodeJS.Signals): void {
  if (hasExited(child)) return;
  try {
    child.kill(signal);
  } catch {
    // ESRCH: it exited between the check and the kill
  }
}
