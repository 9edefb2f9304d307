// How long the emperor lets a stopping master run before SIGKILL. A master
// bounds its own stop by its reload-mercy and tells it in master-started and
// master-reloaded; the emperor never cuts that short, so the master gets to
// kill its last workers, vacuum and exit by itself.

/** Time a master needs after its own mercy ran out: SIGKILL its workers, reap them, vacuum, exit. */
export const MASTER_EXIT_MARGIN_MS = 5_000;

const MAX_TIMER_MS = 2 ** 31 - 1;

/** The emperor's mercy, but never less than the master's own plus the margin. */
export function stopGraceMs(emperorMercyMs: number, masterMercyMs: number | null): number {
  const graceMs = masterMercyMs === null ? emperorMercyMs : Math.max(emperorMercyMs, masterMercyMs + MASTER_EXIT_MARGIN_MS);
  // a longer timer fires at once in Node: about 24.8 days is as long as a stop can wait
  return Math.min(graceMs, MAX_TIMER_MS);
}
