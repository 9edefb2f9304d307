// die-on-idle's trigger, as a pure function of samples: a master is idle once
// no request ended and none was in flight for `idle` ms (uWSGI counts the
// requests the same way, and waits while any worker is busy).

/** What the monitor saw at one tick. */
export interface IdleSample {
  /** epoch ms */
  readonly now: number;
  /** requests ended so far, by every worker this master ever had */
  readonly requests: number;
  /** requests being answered now */
  readonly inflight: number;
}

/** Remembers when the request count last moved. */
export class IdleCheck {
  private lastChangeAt: number | null = null;
  private lastRequests = -1;

  constructor(private readonly idleMs: number) {}

  /** Feed one sample; true once the master has been idle for idleMs. */
  sample(sample: IdleSample): boolean {
    if (this.lastChangeAt === null || sample.inflight > 0 || sample.requests !== this.lastRequests) {
      this.lastChangeAt = sample.now;
      this.lastRequests = sample.requests;
      return false;
    }
    return sample.now - this.lastChangeAt >= this.idleMs;
  }
}
