// How a uw master's requests were spread over its workers, from its SIGUSR1
// `worker stats` lines (cumulative request counts per worker).
import type { TrackedProcess } from './tracked-process.js';

/** Requests served so far by each current worker, by worker id. */
export async function workerRequests(master: TrackedProcess): Promise<Map<number, number>> {
  const from = master.lines.length;
  master.signal('SIGUSR1');
  await master.waitForMsg('stats', {}, 5_000, from);
  const counts = new Map<number, number>();
  for (const line of master.lines.slice(from)) {
    if (line.msg === 'worker stats') counts.set(Number(line.worker), Number(line.requests));
  }
  return counts;
}

/** The busiest worker's share (0..1) of the requests served between two snapshots. */
export function busiestShare(before: Map<number, number>, after: Map<number, number>): number {
  const deltas = [...after].map(([id, n]) => n - (before.get(id) ?? 0));
  const total = deltas.reduce((sum, n) => sum + n, 0);
  return total === 0 ? Number.NaN : Math.max(...deltas) / total;
}
