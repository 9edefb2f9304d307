// A child process the benchmark started: its stdout/stderr lines (pino JSON
// parsed), waits on those lines with deadlines, and a stop that escalates
// (SIGINT, grace, SIGKILL) and then SIGKILLs any descendant still alive, by PID.
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { descendantsOf, isAlive } from './proc-stats.js';

/** One output line: the parsed JSON object, or { raw } for anything else. */
export interface LogLine {
  readonly msg?: string;
  readonly time?: string;
  readonly pid?: number;
  readonly raw?: string;
  readonly [key: string]: unknown;
}

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

type LineWatcher = (line: LogLine) => void;

function parse(text: string): LogLine {
  if (text.startsWith('{')) {
    try {
      return JSON.parse(text) as LogLine;
    } catch {
      // not JSON after all
    }
  }
  return { raw: text };
}

/** Milliseconds since the epoch of a pino isoTime line (NaN without one). */
export function lineTime(line: LogLine): number {
  return typeof line.time === 'string' ? Date.parse(line.time) : Number.NaN;
}

export class TrackedProcess {
  readonly lines: LogLine[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<ExitInfo>;
  exit: ExitInfo | null = null;
  private readonly watchers = new Set<LineWatcher>();
  private readonly messages: unknown[] = [];
  private readonly messageWaiters: ((message: unknown) => void)[] = [];

  constructor(readonly name: string, readonly child: ChildProcess) {
    if (child.pid === undefined) throw new Error(`${name}: spawn failed`);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    if (child.stdout) createInterface({ input: child.stdout }).on('line', (text) => this.onLine(parse(text)));
    if (child.stderr) createInterface({ input: child.stderr }).on('line', (text) => this.stderr.push(text));
    child.on('message', (message) => {
      const waiter = this.messageWaiters.shift();
      if (waiter) waiter(message);
      else this.messages.push(message);
    });
    child.on('error', () => undefined);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private onLine(line: LogLine): void {
    this.lines.push(line);
    for (const watcher of [...this.watchers]) watcher(line);
  }

  /**
   * Feed every line from index `from` (then each new one) to `check` until it
   * returns a value; rejects after `timeoutMs` or when the process exits first.
   */
  watch<T>(from: number, check: (line: LogLine) => T | undefined, timeoutMs: number, what: string): Promise<T> {
    for (let i = from; i < this.lines.length; i++) {
      const found = check(this.lines[i] as LogLine);
      if (found !== undefined) return Promise.resolve(found);
    }
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.watchers.delete(watcher);
      };
      const watcher: LineWatcher = (line) => {
        const found = check(line);
        if (found === undefined) return;
        done();
        resolve(found);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name}: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.watchers.add(watcher);
      void this.exited.then((exit) => {
        if (!this.watchers.has(watcher)) return;
        done();
        reject(new Error(`${this.name} exited (${exit.code ?? exit.signal}) while waiting for ${what}: ${this.stderr.slice(-3).join(' | ')}`));
      });
    });
  }

  /** The first line from `from` on with this msg whose other fields match `fields`. */
  waitForMsg(msg: string, fields: Record<string, unknown>, timeoutMs: number, from = 0): Promise<LogLine> {
    const matches = (line: LogLine): boolean => line.msg === msg && Object.entries(fields).every(([key, value]) => line[key] === value);
    return this.watch(from, (line) => (matches(line) ? line : undefined), timeoutMs, `"${msg}" ${JSON.stringify(fields)}`);
  }

  /** The next IPC message (forked children). */
  nextMessage(timeoutMs: number): Promise<unknown> {
    const queued = this.messages.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no message within ${timeoutMs} ms`)), timeoutMs);
      this.messageWaiters.push((message) => {
        clearTimeout(timer);
        resolve(message);
      });
    });
  }

  send(message: unknown): void {
    if (this.child.connected) this.child.send(message as object);
  }

  signal(signal: NodeJS.Signals): void {
    if (this.exit === null) this.child.kill(signal);
  }

  /** SIGINT (or `signal`), wait `graceMs`, SIGKILL; then SIGKILL every descendant left. */
  async stop(graceMs = 5_000, signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
    const tree = this.exit === null ? descendantsOf(this.pid) : [];
    if (this.exit === null) {
      this.signal(signal);
      const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    await killLeftovers(tree);
  }
}

/** SIGKILL each PID still alive, then wait (at most 3 s) until they are all gone. */
export async function killLeftovers(pids: readonly number[]): Promise<void> {
  const deadline = Date.now() + 3_000;
  for (let left = pids.filter(isAlive); left.length > 0 && Date.now() < deadline; left = left.filter(isAlive)) {
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
