// A stand-in for a master's ChildProcess in unit tests: records signals and
// IPC sends, and lets the test emit messages and the exit.
import { EventEmitter } from 'node:events';

/** Enough of a ChildProcess for the vassal: pid, kill, send, IPC and exit events. */
export class FakeChild extends EventEmitter {
  static nextPid = 1000;
  readonly pid = FakeChild.nextPid++;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  connected = true;
  readonly signals: string[] = [];
  readonly sent: unknown[] = [];
  kill(signal: NodeJS.Signals): boolean {
    this.signals.push(signal);
    return true;
  }
  /** the handle sent with each message (undefined for most) */
  readonly handles: unknown[] = [];
  send(message: unknown, handleOrCallback?: unknown, callback?: (err: Error | null) => void): boolean {
    const done = typeof handleOrCallback === 'function' ? (handleOrCallback as (err: Error | null) => void) : callback;
    this.sent.push(message);
    this.handles.push(typeof handleOrCallback === 'function' ? undefined : handleOrCallback);
    done?.(null);
    return true;
  }
  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    this.exitCode = code;
    this.signalCode = signal;
    this.connected = false;
    this.emit('exit', code, signal);
  }
}

