// Every process a benchmark starts goes through a ProcessSet, so that a
// `finally` (or the bench's own SIGINT) can stop all of them by PID.
import { spawn } from 'node:child_process';
import { TrackedProcess } from './tracked-process.js';

export interface SpawnOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** an IPC channel as fd 3 (forked Node children) */
  readonly ipc?: boolean;
}

const live = new Set<ProcessSet>();

export class ProcessSet {
  private readonly processes = new Set<TrackedProcess>();
  /** stops for what the set did not spawn itself (a daemon that detached, like PM2's) */
  private readonly extraStops: (() => Promise<void>)[] = [];

  constructor() {
    live.add(this);
  }

  spawn(name: string, command: string, args: readonly string[], options: SpawnOptions = {}): TrackedProcess {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: options.ipc === true ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    });
    const tracked = new TrackedProcess(name, child);
    this.processes.add(tracked);
    return tracked;
  }

  /** Also run `stop` in stopAll (before the processes this set spawned are stopped). */
  onStop(stop: () => Promise<void>): void {
    this.extraStops.push(stop);
  }

  /** Stop every process still running (in parallel), then forget them. */
  async stopAll(graceMs = 5_000): Promise<void> {
    const extra = this.extraStops.splice(0);
    await Promise.all(extra.map((stop) => stop().catch(() => undefined)));
    const all = [...this.processes];
    this.processes.clear();
    await Promise.all(all.map((process) => process.stop(graceMs)));
    live.delete(this);
  }
}

/** Stop every set still open: the bench's own SIGINT/SIGTERM handler. */
export async function stopEverything(): Promise<void> {
  await Promise.all([...live].map((set) => set.stopAll(2_000)));
}
