// Requests for a master's statistics over its IPC channel, matched to replies
// by id; each one resolves with the stats or null (timeout, master gone).
// The aggregation across vassals builds on this.
import type { MasterStatsDocument } from '../stats/master-document.js';
import type { Clock, TimerHandle } from './clock.js';

interface PendingRequest {
  readonly resolve: (stats: MasterStatsDocument | null) => void;
  readonly timer: TimerHandle;
}

/** Outstanding stats-request ids of one vassal's master. */
export class StatsRequests {
  private nextId = 1;
  private readonly pending = new Map<number, PendingRequest>();

  constructor(private readonly clock: Clock) {}

  /** Register a request; `send` delivers it and reports whether that worked. */
  request(timeoutMs: number, send: (id: number) => boolean): Promise<MasterStatsDocument | null> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = this.clock.setTimer(timeoutMs, () => this.settle(id, null));
      this.pending.set(id, { resolve, timer });
      if (!send(id)) this.settle(id, null);
    });
  }

  /** A master-stats reply arrived. */
  settle(id: number, stats: MasterStatsDocument | null): void {
    const entry = this.pending.get(id);
    if (entry === undefined) return;
    this.pending.delete(id);
    entry.timer.clear();
    entry.resolve(stats);
  }

  /** The master exited: nobody will answer. */
  abandonAll(): void {
    for (const id of [...this.pending.keys()]) this.settle(id, null);
  }
}
