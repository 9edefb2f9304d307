// A master that does not answer the emperor (a statistics request timed out, a
// SIGHUP not acknowledged in time) is reported: one warning when it starts, one
// line when it answers again. Only reported, never acted on: acting is the
// heartbeat's job (vassal-heartbeat.ts), for vassals that ask for it. A SIGHUP
// sent while the master reloads merges into that reload (the master keeps one
// reload pending and starts it when the running one ends): the reload in
// progress answers it, however long it takes.
import type { Logger } from '../log/logger.js';
import type { Clock, TimerHandle } from './clock.js';

/** A master acknowledges SIGHUP (master-reloading) within this, or is reported. */
export const SIGHUP_ACK_MS = 10_000;

/** What the master failed to answer, for the report. */
type Unanswered = 'stats-request' | 'SIGHUP';

/** What the master says that answers a SIGHUP: a reload started or ended, or it paused (which defers the reload). */
export type SighupAnswer = 'master-reloading' | 'master-reloaded' | 'master-paused';

/** Reports one vassal's master going silent, and coming back. */
export class MasterSilence {
  private ackTimer: TimerHandle | null = null;
  private silent: Unanswered | null = null;
  /** between master-reloading and master-reloaded: a SIGHUP now is merged into this reload */
  private reloading = false;

  constructor(private readonly clock: Clock, private readonly logger: Logger, private readonly isStopped: (pid: number) => boolean) {}

  /** The emperor sent SIGHUP: master-reloading is expected within SIGHUP_ACK_MS. */
  sighupSent(pid: number): void {
    if (this.reloading) return;
    this.ackTimer?.clear();
    this.ackTimer = this.clock.setTimer(SIGHUP_ACK_MS, () => {
      this.ackTimer = null;
      this.report('SIGHUP', pid, SIGHUP_ACK_MS);
    });
  }

  /** The master said it reloads, has reloaded, or paused. */
  acknowledged(answer: SighupAnswer): void {
    this.reloading = answer === 'master-reloading';
    this.ackTimer?.clear();
    this.ackTimer = null;
    this.answered();
  }

  /** A statistics request ended: answered, or timed out after `waitedMs`. */
  statsRequest(pid: number, answered: boolean, waitedMs: number): void {
    if (answered) this.answered();
    else this.report('stats-request', pid, waitedMs);
  }

  /** The master is gone: nothing is owed any more. */
  reset(): void {
    this.ackTimer?.clear();
    this.ackTimer = null;
    this.silent = null;
    this.reloading = false;
  }

  /** Whether the master is known not to answer. */
  get unanswered(): Unanswered | null {
    return this.silent;
  }

  private report(what: Unanswered, pid: number, waitedMs: number): void {
    if (this.silent !== null) return;
    this.silent = what;
    this.logger.warn({ masterPid: pid, unanswered: what, waitedMs, stopped: this.isStopped(pid) }, 'master not answering');
  }

  private answered(): void {
    if (this.silent === null) return;
    this.logger.info({ unanswered: this.silent }, 'master answering again');
    this.silent = null;
  }
}
