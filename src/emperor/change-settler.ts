// Turns bursts of file-system events into one settled observation per path.
// Each event restarts the path's timer; when it fires the file is stat'ed, and
// it counts as settled only once two looks `settleMs` apart agree with no event
// in between. An editor's save, `cp`, `sed -i` or a rename into place gives one
// reaction to the final content, and a half-written file is not acted on while
// it is still growing.
import type { Clock, TimerHandle } from './clock.js';
import { sameFingerprint, type Fingerprint } from './fingerprint.js';

/** What the settler needs: a clock, the quiet time, a way to stat, and whom to tell. */
export interface ChangeSettlerDeps {
  readonly clock: Clock;
  readonly settleMs: number;
  readonly probe: (path: string) => Promise<Fingerprint | null>;
  readonly onSettled: (path: string, fingerprint: Fingerprint | null) => void;
}

interface Pending {
  timer: TimerHandle;
  /** the previous look in this quiet period; undefined until the first look */
  last: Fingerprint | null | undefined;
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
      entry.last = undefined;
      entry.generation++;
      entry.timer = this.arm(path, entry.generation);
    } else {
      const fresh: Pending = { timer: { clear: () => undefined }, last: undefined, generation: 0 };
      this.pending.set(path, fresh);
      fresh.timer = this.arm(path, 0);
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

  private arm(path: string, generation: number): TimerHandle {
    return this.deps.clock.setTimer(this.deps.settleMs, () => void this.look(path, generation));
  }

  private async look(path: string, generation: number): Promise<void> {
    const fingerprint = await this.deps.probe(path);
    const entry = this.pending.get(path);
    if (this.closed || entry === undefined || entry.generation !== generation) return;
    if (entry.last !== undefined && sameFingerprint(entry.last, fingerprint)) {
      this.pending.delete(path);
      this.deps.onSettled(path, fingerprint);
      return;
    }
    entry.last = fingerprint;
    entry.timer = this.arm(path, generation);
  }
}
