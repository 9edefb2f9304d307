// Reading a uWSGI master's statistics from its own stats server (`stats = ...`
// in its config), as uwsgitop does: connect, read to EOF. The server is run by
// the app's user: a UNIX socket is read only when that user owns it (checked
// on the descriptor connected through, see pinned-socket.ts), the read is
// bounded in time and size, and a document that is not uWSGI's is dropped.
import type { ListenAddress } from '../config/vassal-config.js';
import type { MasterStatsDocument } from '../stats/master-document.js';
import { readStats } from '../stats/read-stats.js';
import { pinOwnedSocket, type PinnedSocket } from './pinned-socket.js';
import { fromUwsgiStats } from './uwsgi-stats-document.js';

/** A uWSGI document with a few thousand workers is well under this. */
const MAX_STATS_BYTES = 4 * 1024 * 1024;

/** What came of one read: the document, or why there is none (`timeout`: the server did not answer in time). */
export type UwsgiStatsRead = { readonly stats: MasterStatsDocument } | { readonly stats: null; readonly timeout: boolean };

/** Test seam: runs between the check of a UNIX socket and the connect (a swap here must change nothing). */
export interface UwsgiStatsHooks {
  readonly afterCheck?: () => Promise<void> | void;
}

/** Read and translate the document at `address` for `vassal`; never rejects. */
export async function readUwsgiStats(address: ListenAddress, ownerUid: number, timeoutMs: number, vassal: string, hooks: UwsgiStatsHooks = {}): Promise<UwsgiStatsRead> {
  let pinned: PinnedSocket | null = null;
  try {
    if (address.type === 'unix') {
      pinned = await pinOwnedSocket(address.path, ownerUid);
      if (pinned === null) return { stats: null, timeout: false };
      await hooks.afterCheck?.();
    }
    const target: ListenAddress = pinned === null ? address : { type: 'unix', path: pinned.path };
    const stats = fromUwsgiStats(JSON.parse(await readStats(target, timeoutMs, { maxBytes: MAX_STATS_BYTES })), vassal);
    return stats === null ? { stats: null, timeout: false } : { stats };
  } catch (err) {
    return { stats: null, timeout: (err as NodeJS.ErrnoException).code === 'ETIMEDOUT' };
  } finally {
    await pinned?.close();
  }
}
