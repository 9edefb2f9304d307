// What a reload is asked to do: how the workers are replaced (graceful, brutal,
// chain) and where the config comes from (the file, the config running now, or
// the snapshot of the last ones that became ready). At most one reload waits
// while another runs; a new request replaces it, but a brutal one stays brutal.
import type { ReloadMode } from './worker-pool.js';

/** file: read the config again; current: the config running now (workers only); snapshot: restore-snapshot */
export type ConfigSource = 'file' | 'current' | 'snapshot';

export interface ReloadRequest {
  readonly mode: ReloadMode;
  readonly source: ConfigSource;
}

/** The one reload left pending once `next` is asked for while `pending` waits. */
export function coalesceReload(pending: ReloadRequest | null, next: ReloadRequest): ReloadRequest {
  return pending?.mode === 'brutal' ? { ...next, mode: 'brutal' } : next;
}

/** What a chain reload compares between the config running now and the next one. */
export interface ChainCheck {
  /** every worker has been ready at least once */
  readonly wasReady: boolean;
  readonly processes: { readonly now: number; readonly next: number };
  readonly kind: { readonly now: string; readonly next: string };
  /** a socket was added, removed or reordered (a zerg attaches anew every time) */
  readonly socketsChanged: boolean;
}

/**
 * Why a chain reload must be a graceful one instead, or null: a chain replaces
 * slot by slot on the same sockets, so it cannot change their number or the
 * sockets, and with no worker serving there is no capacity to keep.
 */
export function chainFallback(check: ChainCheck): string | null {
  if (!check.wasReady) return 'no generation of workers was ready yet';
  if (check.processes.now !== check.processes.next) return `processes changes from ${check.processes.now} to ${check.processes.next}`;
  if (check.socketsChanged) return 'the sockets change';
  if (check.kind.now !== check.kind.next) return `the app kind changes from ${check.kind.now} to ${check.kind.next}`;
  return null;
}
