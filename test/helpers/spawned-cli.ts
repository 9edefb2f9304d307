// Run a built CLI (uw or uwemperor) as a real process, collect its pino lines,
// and let tests wait on them. Every instance is registered, and `killAll`
// (called from an after() hook) ends it and its descendants, pass or fail.
import { spawn, type ChildProcess } from 'node:child_process';
import { testControlPath } from './control-socket.js';
import { descendantsOf, isAlive, waitFor } from './wait-for.js';

export interface LogLine {
  readonly msg?: string;
  readonly level?: string;
  readonly [key: string]: unknown;
}

const running = new Set<SpawnedCli>();

export class SpawnedCli {
  readonly child: ChildProcess;
  readonly lines: LogLine[] = [];
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private knownPids = new Set<number>();
  /** exited and all of its output read */
  private closed = false;

  /** extraPipes: that many more stdio pipes (fd 3, 4...: socketpairs, child.stdio[3]...) */
  constructor(bin: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; extraPipes?: number } = {}) {
    this.child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd,
      env: { ...process.env, UW_LOG_LEVEL: 'debug', UWEMPEROR_CONTROL: testControlPath(), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe', ...Array.from({ length: options.extraPipes ?? 0 }, () => 'pipe' as const)],
    });
    running.add(this);
    let partial = '';
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const text of parts) this.addLine(text);
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.child.once('close', () => (this.closed = true));
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        running.delete(this);
        resolve({ code, signal });
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private addLine(text: string): void {
    if (!text.startsWith('{')) return;
    try {
      const line = JSON.parse(text) as LogLine;
      this.lines.push(line);
      if (isPid(line.pid)) this.knownPids.add(line.pid);
      if (isPid(line.workerPid)) this.knownPids.add(line.workerPid);
    } catch {
      // an app's own output that happens to start with "{"
    }
  }

  /** Lines whose msg equals `msg` and whose fields match `fields`. */
  find(msg: string, fields: Record<string, unknown> = {}): LogLine[] {
    return this.lines.filter((line) => line.msg === msg && Object.entries(fields).every(([k, v]) => line[k] === v));
  }

  /** Wait until at least `count` lines match, return the count-th one. */
  async waitForLog(msg: string, fields: Record<string, unknown> = {}, count = 1, timeoutMs = 15_000): Promise<LogLine> {
    const what = `log "${msg}" x${count} ${JSON.stringify(fields)}`;
    const check = (): LogLine | undefined => {
      const line = this.find(msg, fields)[count - 1];
      if (line === undefined && this.closed) throw new Error(`exited with code ${this.child.exitCode} before ${what}`);
      return line;
    };
    return waitFor(what, check, timeoutMs).catch((err: Error) => {
      throw new Error(`${err.message}\n--- stdout:\n${this.stdout.slice(-4000)}\n--- stderr:\n${this.stderr.slice(-2000)}`);
    });
  }

  /** Every process this CLI started, as far as /proc and its logs tell. */
  descendants(): number[] {
    const live = this.child.pid === undefined ? [] : descendantsOf(this.child.pid);
    for (const pid of live) this.knownPids.add(pid);
    return live;
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** SIGKILL this CLI and everything it started (by PID), then wait until they are gone. */
  async kill(): Promise<void> {
    const pids = [...this.descendants(), ...this.knownPids].filter((pid) => isPid(pid) && pid !== process.pid);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await this.exited;
    await waitFor('descendants to exit', () => (pids.every((pid) => !isAlive(pid)) ? true : undefined), 5_000).catch(() => undefined);
  }
}

/**
 * A real process's PID. A failed spawn logs pid -1 (or undefined), and
 * kill(-1, SIGKILL) as root kills every process on the machine.
 */
function isPid(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) > 1;
}

/** Kill every CLI still running: for after()/afterEach() hooks. */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((cli) => cli.kill()));
}
