// Messages from a master that failed their check (ipc/master-message.ts) are
// dropped and reported, but a master sending junk in a loop must not flood the
// emperor's log: the first is logged at once, then at most one line per period
// with the number dropped meanwhile.
import type { Logger } from '../log/logger.js';

/** At most one report per this long per master. */
export const INVALID_REPORT_MS = 10_000;

/** Counts one master's invalid messages and reports them, rate-limited. */
export class InvalidMessages {
  private dropped = 0;
  private lastReport = -Infinity;

  constructor(private readonly logger: Logger, private readonly now: () => number = Date.now) {}

  /** One more invalid message, refused because `why`. */
  drop(why: string): void {
    this.dropped++;
    const now = this.now();
    if (now - this.lastReport < INVALID_REPORT_MS) return;
    this.logger.warn({ why, dropped: this.dropped }, 'master message dropped');
    this.lastReport = now;
    this.dropped = 0;
  }
}
