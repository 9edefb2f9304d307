// A clock for unit tests: time moves only when the test says so, and timers
// fire in order, with pending promise callbacks run after each one.
import type { Clock, TimerHandle } from '../../src/emperor/clock.js';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

export class VirtualClock implements Clock {
  private time = 0;
  private seq = 0;
  private timers: Timer[] = [];

  now(): number {
    return this.time;
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    const timer: Timer = { at: this.time + delayMs, seq: this.seq++, callback, cancelled: false };
    this.timers.push(timer);
    return { clear: () => void (timer.cancelled = true) };
  }

  /** Timers still due to fire. */
  get pending(): number {
    return this.timers.filter((timer) => !timer.cancelled).length;
  }

  /** Move time forward by `ms`, firing every timer that falls due, in order. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await settleAsync();
      this.timers = this.timers.filter((timer) => !timer.cancelled);
      const next = [...this.timers].sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (next === undefined || next.at > end) break;
      this.timers = this.timers.filter((timer) => timer !== next);
      this.time = next.at;
      next.callback();
    }
    this.time = end;
    await settleAsync();
  }
}

/** Let pending promise callbacks (and one I/O turn) run. */
export function settleAsync(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
