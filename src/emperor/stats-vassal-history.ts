// The times and counts a vassal's statistics need (uWSGI's born, first_run,
// last_ready, respawns, the back-off's next attempt...), kept beside the state
// machine, which holds only what decides a transition. The vassal tells it
// what happened; it never decides anything.
import type { VassalState } from './vassal-machine.js';

/** Epoch ms of a vassal's milestones (null: never), and its master spawn count. */
export interface VassalHistorySnapshot {
  /** the first master this emperor spawned for the file */
  readonly firstRunMs: number | null;
  /** the current (or last) master */
  readonly lastRunMs: number | null;
  /** the current master's first ready, null until it is */
  readonly loyalMs: number | null;
  /** the last time any master of this vassal became ready */
  readonly lastReadyMs: number | null;
  /** masters spawned after the first one */
  readonly respawns: number;
  /** when the back-off ends, while one runs */
  readonly retryAtMs: number | null;
  /** the last back-off delay */
  readonly backoffMs: number;
  /** since when the vassal is broken or backing off without a ready master in between */
  readonly troubledSinceMs: number | null;
}

const TROUBLED: readonly VassalState[] = ['backoff', 'broken'];

/** A vassal's milestones, fed by the vassal on spawns, state changes and back-off timers. */
export class VassalHistory {
  private firstRunMs: number | null = null;
  private lastRunMs: number | null = null;
  private loyalMs: number | null = null;
  private lastReadyMs: number | null = null;
  private spawns = 0;
  private retryAtMs: number | null = null;
  private backoffMs = 0;
  private troubledSinceMs: number | null = null;

  /** A new master process exists. */
  spawned(nowMs: number): void {
    this.spawns += 1;
    this.firstRunMs ??= nowMs;
    this.lastRunMs = nowMs;
    this.loyalMs = null;
  }

  /** The vassal entered `to`. */
  entered(to: VassalState, nowMs: number): void {
    // only a vassal backing off has a next attempt (a cleared back-off starts at once)
    if (to !== 'backoff') this.retryAtMs = null;
    if (to === 'ready') {
      this.loyalMs ??= nowMs;
      this.lastReadyMs = nowMs;
      this.troubledSinceMs = null;
    }
    if (TROUBLED.includes(to)) this.troubledSinceMs ??= nowMs;
  }

  /** A back-off of `delayMs` starts now. */
  backingOff(nowMs: number, delayMs: number): void {
    this.retryAtMs = nowMs + delayMs;
    this.backoffMs = delayMs;
  }

  snapshot(): VassalHistorySnapshot {
    const { firstRunMs, lastRunMs, loyalMs, lastReadyMs, retryAtMs, backoffMs, troubledSinceMs } = this;
    return { firstRunMs, lastRunMs, loyalMs, lastReadyMs, respawns: Math.max(0, this.spawns - 1), retryAtMs, backoffMs, troubledSinceMs };
  }
}
