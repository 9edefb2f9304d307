// When to respawn a worker slot whose worker died (not the emperor's restart of
// a whole master: that is src/emperor/restart-policy.ts). At once if the worker
// had been serving for a while, otherwise after a delay that doubles with each
// failure, capped, so a worker that keeps dying at start-up never spins the CPU.

/** The back-off curve of one worker slot. */
export interface RespawnBackoff {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** a worker ready for at least this long resets the failure count */
  readonly stableAfterMs: number;
}

/** 100 ms doubling to 30 s; ten seconds of service make a worker stable. */
export const WORKER_RESPAWN_BACKOFF: RespawnBackoff = Object.freeze({ initialDelayMs: 100, maxDelayMs: 30_000, stableAfterMs: 10_000 });

/** When to respawn the slot, and the failure count to carry. */
export interface RespawnDecision {
  readonly delayMs: number;
  /** consecutive failures so far, carried into the next decision (0: the worker had been stable) */
  readonly failures: number;
}

/**
 * @param failures consecutive quick failures before this exit
 * @param readyForMs how long the worker had been ready (null: never became ready)
 */
export function nextRespawn(backoff: RespawnBackoff, failures: number, readyForMs: number | null): RespawnDecision {
  if (readyForMs !== null && readyForMs >= backoff.stableAfterMs) return { delayMs: 0, failures: 0 };
  const delayMs = Math.min(backoff.maxDelayMs, backoff.initialDelayMs * 2 ** Math.min(failures, 30));
  return { delayMs, failures: failures + 1 };
}
