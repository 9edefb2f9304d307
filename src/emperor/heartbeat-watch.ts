// The one timer behind a vassal's heartbeat deadlines, and the time of the last
// beat for the statistics. The vassal machine decides when to arm it and what a
// missed deadline means; this only keeps at most one deadline pending.
import type { Clock, TimerHandle } from './clock.js';

/** One pending heartbeat deadline at most, and when the master last beat. */
export class HeartbeatWatch {
  private timer: TimerHandle | null = null;
  /** epoch ms of the last beat of the current master; null before its first */
  lastBeatMs: number | null = null;

  constructor(private readonly clock: Clock, private readonly onMissed: () => void) {}

  /** A beat arrived: remember when. */
  beat(): void {
    this.lastBeatMs = this.clock.now();
  }

  /** Call onMissed after delayMs, replacing any pending deadline. */
  arm(delayMs: number): void {
    this.timer?.clear();
    this.timer = this.clock.setTimer(delayMs, () => {
      this.timer = null;
      this.onMissed();
    });
  }

  /** No deadline pending; `forget`: the master is gone, so is its last beat. */
  clear(forget = false): void {
    this.timer?.clear();
    this.timer = null;
    if (forget) this.lastBeatMs = null;
  }
}
