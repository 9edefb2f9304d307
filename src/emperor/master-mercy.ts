// How long the emperor lets a stopping master run before SIGKILL. A master
// bounds its own stop by its reload-mercy and tells it in master-ready and
// master-reloaded; the emperor never cuts that short, so the master gets to
// kill its last workers, vacuum and exit by itself.
import type { ChildProcess } from 'node:child_process';

/** Time a master needs after its own mercy ran out: SIGKILL its workers, reap them, vacuum, exit. */
export const MASTER_EXIT_MARGIN_MS = 5_000;

/** The emperor's mercy, but never less than the master's own plus the margin. */
export function stopGraceMs(emperorMercyMs: number, masterMercyMs: number | null): number {
  return masterMercyMs === null ? emperorMercyMs : Math.max(emperorMercyMs, masterMercyMs + MASTER_EXIT_MARGIN_MS);
}

/** Call `onMercy` with each reload-mercy the master reports. */
export function watchMasterMercy(child: ChildProcess, onMercy: (mercyMs: number) => void): void {
  child.on('message', (message: unknown) => {
    if (typeof message !== 'object' || message === null) return;
    const { type, reloadMercyMs } = message as { type?: unknown; reloadMercyMs?: unknown };
    if ((type === 'master-ready' || type === 'master-reloaded') && typeof reloadMercyMs === 'number' && reloadMercyMs >= 0) onMercy(reloadMercyMs);
  });
}
