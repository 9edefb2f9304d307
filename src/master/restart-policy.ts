// When to respawn a worker that died: at once if it had been serving for a
// while, otherwise after a delay that doubles with each failure, capped, so a
// worker that keeps dying at start-up never spins the CPU.

export interface RestartPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** a worker ready for at least this long resets the failure count */
  readonly stableAfterMs: number;
}

export const WORKER_RESTART_POLICY: RestartPolicy = { initialDelayMs: 100, maxDelayMs: 30_000, stableAfterMs: 10_000 };

export interface RestartDecision {
  readonly delayMs: number;
  /** consecutive failures so far, carried into the next decision */
  readonly failures: number;
}

/**
 * @param failures consecutive quick failures before this exit
 * @param readyForMs how long the process had been ready (null: never became ready)
 */
export function nextRestart(policy: RestartPolicy, failures: number, readyForMs: number | null): RestartDecision {
  if (readyForMs !== null && readyForMs >= policy.stableAfterMs) return { delayMs: 0, failures: 0 };
  const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** failures);
  return { delayMs, failures: failures + 1 };
}
