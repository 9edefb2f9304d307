// When to start a master again after it exited unexpectedly. Pure: the caller
// owns the timer. A master that became ready restarts at once; one that keeps
// dying before it is ready waits longer each time, up to a cap, forever.

/** The back-off curve: first delay and cap. */
export interface RestartPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** 1 s doubling to 60 s, as the issue asks. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = Object.freeze({ initialDelayMs: 1_000, maxDelayMs: 60_000 });

/** When to start again, and the failure count to carry. */
export interface RestartDecision {
  /** 0 means start now */
  readonly delayMs: number;
  /** consecutive failed starts, including this one (0 after a ready master) */
  readonly failures: number;
}

/** The delay before the next start, given whether the master that just exited was ready. */
export function nextRestart(wasReady: boolean, failuresBefore: number, policy: RestartPolicy = DEFAULT_RESTART_POLICY): RestartDecision {
  if (wasReady) return { delayMs: 0, failures: 0 };
  const failures = failuresBefore + 1;
  // cap the exponent too, so a vassal failing for weeks never overflows
  const exponent = Math.min(failures - 1, 30);
  return { delayMs: Math.min(policy.initialDelayMs * 2 ** exponent, policy.maxDelayMs), failures };
}
