// The one shape behind the master's load monitors (sos, policies, cheaper):
// an async check every period, never two at once, its failure logged, and a
// stop that also tells a check still awaiting its workers' answers to act on
// nothing (its answers are for a config that is gone).

/** A running check: stop it, or ask whether it was stopped. */
export interface PeriodicCheck {
  stop(): void;
  readonly stopped: boolean;
}

/** Run `tick` every `everyMs` (skipped while the previous one runs, or while `skip()`); `onError` gets its failures. */
export function startPeriodicCheck(everyMs: number, tick: (check: PeriodicCheck) => Promise<void>, onError: (err: unknown) => void, skip: () => boolean = () => false): PeriodicCheck {
  let ticking = false;
  let stopped = false;
  const check: PeriodicCheck = {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
    get stopped() {
      return stopped;
    },
  };
  const timer = setInterval(() => {
    if (ticking || stopped || skip()) return;
    ticking = true;
    tick(check)
      .catch(onError)
      .finally(() => (ticking = false));
  }, everyMs);
  return check;
}
