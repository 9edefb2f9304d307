// Turns bursts of file-system events into one settled observation per path.
// Each event restarts the path's timer; when it fires the file is stat'ed, and
// it counts as settled only once two looks `settleMs` apart agree with no event
// in between. An editor's save, `cp`, `sed -i` or a rename into place gives one
// reaction to the final content, and a half-written file is not acted on while
// it is still growing.
//
// One fast path: when the first look finds the same inode, size and content as
// the version last acted on and only the mtime moved (a `touch`), there is
// nothing half-written to wait for, and it settles at once. Same size is not
// enough: a burst of rewrites passes through versions of the old size, and
// writeFile truncates before it writes, so a reload there reads a half file.
//
// An empty file is the moment between a writer's truncate and its write; on a
// busy machine the writer can stall there longer than `settleMs`, so an empty
// file must stay quiet for EMPTY_QUIET_MS before it is acted on.
//
// Every settle is followed by one trailing look a little later: a change whose
// event never came (an inotify queue that overflowed, an event source that
// throttles per path, as chokidar did) is caught there and settled like any
// other, without waiting for the periodic rescan.
import type { Clock, TimerHandle } from './clock.js';
import { sameFingerprint, sameOwner, type Fingerprint } from './fingerprint.js';

/** What the settler needs: a clock, the quiet time, a way to stat, and whom to tell. */
export interface ChangeSettlerDeps {
  readonly clock: Clock;
  readonly settleMs: number;
  readonly probe: (path: string) => Promise<Fingerprint | null>;
  readonly onSettled: (path: string, fingerprint: Fingerprint | null) => void;
  /** the version of `path` last acted on, if any (for the touch fast path) */
  readonly known?: (path: string) => Fingerprint | null | undefined;
}

/** Same inode, size and content as before, only the mtime moved: a `touch`. */
export function isTouchOnly(known: Fingerprint | null | undefined, seen: Fingerprint | null): boolean {
  if (known == null || seen === null || known.digest === undefined) return false;
  return known.ino === seen.ino && known.size === seen.size && known.digest === seen.digest && known.mtimeNs !== seen.mtimeNs && sameOwner(known, seen);
}

/** How long an empty file must stay unchanged before it counts as settled. */
export const EMPTY_QUIET_MS = 1_000;

/** After a settle, the one more look for a change whose event never came. */
const TRAILING_LOOK_MS = 60;

interface Pending {
  timer: TimerHandle;
  /** what was last reported, while the trailing look is due; undefined otherwise */
  reported: Fingerprint | null | undefined;
  /** the previous look in this quiet period; undefined until the first look */
  last: Fingerprint | null | undefined;
  /** when the first look of this quiet period was taken */
  quietSince: number;
  /** bumped by every event, so a look that raced an event is thrown away */
  generation: number;
}

/** Per-path debounce with a stability check; `touch` on every event for a path. */
export class ChangeSettler {
  private readonly pending = new Map<string, Pending>();
  private closed = false;

  constructor(private readonly deps: ChangeSettlerDeps) {}

  /** Something happened at `path` (or may have): look again once it is quiet. */
  touch(path: string): void {
    if (this.closed) return;
    const entry = this.pending.get(path);
    if (entry !== undefined) {
      entry.timer.clear();
      // after a settle the path was quiet: look at once, it may be a touch; in a burst, wait
      const delayMs = entry.reported !== undefined ? 0 : this.deps.settleMs;
      entry.reported = undefined;
      entry.last = undefined;
      entry.generation++;
      entry.timer = this.arm(path, entry.generation, delayMs);
    } else {
      const fresh: Pending = { timer: { clear: () => undefined }, reported: undefined, last: undefined, quietSince: 0, generation: 0 };
      this.pending.set(path, fresh);
      // the first look of a quiet path comes at once: it may be a touch
      fresh.timer = this.arm(path, 0, 0);
    }
  }

  /** Paths with a look still to come. */
  get size(): number {
    return this.pending.size;
  }

  /** Drop every pending look (shutdown). */
  close(): void {
    this.closed = true;
    for (const entry of this.pending.values()) entry.timer.clear();
    this.pending.clear();
  }

  private arm(path: string, generation: number, delayMs = this.deps.settleMs): TimerHandle {
    return this.deps.clock.setTimer(delayMs, () => void this.look(path, generation));
  }

  private async look(path: string, generation: number): Promise<void> {
    const fingerprint = await this.deps.probe(path);
    const entry = this.pending.get(path);
    if (this.closed || entry === undefined || entry.generation !== generation) return;
    if (entry.reported !== undefined) {
      if (sameFingerprint(entry.reported, fingerprint)) {
        this.pending.delete(path);
        return;
      }
      // changed since the report, and the watcher said nothing: settle this change too
      entry.reported = undefined;
      entry.last = undefined;
    }
    const now = this.deps.clock.now();
    if (entry.last === undefined) entry.quietSince = now;
    const settled = entry.last === undefined ? isTouchOnly(this.deps.known?.(path), fingerprint) : sameFingerprint(entry.last, fingerprint);
    const emptyWaitMs = fingerprint?.size === 0n ? entry.quietSince + EMPTY_QUIET_MS - now : 0;
    if (settled && emptyWaitMs > 0) {
      entry.last = fingerprint;
      entry.timer = this.arm(path, generation, Math.min(emptyWaitMs, this.deps.settleMs));
      return;
    }
    if (settled) {
      this.deps.onSettled(path, fingerprint);
      entry.reported = fingerprint;
      entry.timer = this.arm(path, generation, TRAILING_LOOK_MS);
      return;
    }
    entry.last = fingerprint;
    entry.timer = this.arm(path, generation);
  }
}
