// The placement an emperor of a cluster answers the etcd source with: a
// vassal is mine when rendezvous hashing over the live members picks this
// host. A vassal that stops being mine while it runs here is handed over,
// not dropped: it is kept until every member now chosen for it writes that
// it serves (its status key), or for one lease TTL at most. So a member
// joining costs no gap in service, and a vassal runs on one host too many
// for at most one TTL.
import type { Logger } from '../../log/logger.js';
import type { Clock, TimerHandle } from '../clock.js';
import type { VassalAttributes } from '../vassal-attributes.js';
import { assignMembers, type PlacementMember } from './assign.js';

/** What the placement needs: this host, the clock, and a look at another host's status key. */
export interface ClusterPlacementDeps {
  /** this host: counted a member from the start, so that before the first listing (etcd unreachable) it runs what it has */
  readonly self: PlacementMember;
  readonly clock: Clock;
  readonly logger: Logger;
  /** the longest a handed-over vassal is kept: the lease TTL */
  readonly holdMs: number;
  /** how often held vassals' new hosts are looked at */
  readonly pollMs?: number;
  /** whether `hostId` says it serves vassal `name` (its status key); false when it cannot be read */
  readonly serves: (hostId: string, name: string) => Promise<boolean>;
}

/** One vassal being handed over: to whom, and until when at the latest. */
interface Hold {
  owners: readonly string[];
  readonly until: number;
}

/** Placement by rendezvous hashing over the members, with make-before-break handovers. */
export class ClusterPlacement {
  private members: readonly PlacementMember[];
  private readonly mine = new Set<string>();
  private readonly holds = new Map<string, Hold>();
  private readonly listeners: (() => void)[] = [];
  private poll: TimerHandle | null = null;
  private closed = false;

  constructor(private readonly deps: ClusterPlacementDeps) {
    this.members = [deps.self];
  }

  /** The members changed (this host is always counted among them): every vassal is looked at again. */
  setMembers(members: readonly PlacementMember[]): void {
    this.members = members;
    this.changed();
  }

  /** Whether this host runs (or keeps, while handing it over) vassal `name`. */
  isMine(name: string, attrs: VassalAttributes): boolean {
    const owners = assignMembers(name, attrs, this.members);
    if (owners.includes(this.deps.self.id)) {
      this.holds.delete(name);
      this.mine.add(name);
      return true;
    }
    if (!this.mine.has(name) || owners.length === 0) return this.release(name);
    const hold = this.holds.get(name);
    if (hold === undefined) {
      this.holds.set(name, { owners, until: this.deps.clock.now() + this.deps.holdMs });
      this.deps.logger.info({ vassal: name, to: owners }, 'vassal handed over: kept until a new host serves it');
      this.schedulePoll();
    } else hold.owners = owners;
    return true;
  }

  /** Called after the members, or a handover, changed. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Stop polling (the emperor is stopping). */
  close(): void {
    this.closed = true;
    this.poll?.clear();
  }

  private release(name: string): false {
    this.holds.delete(name);
    this.mine.delete(name);
    return false;
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  private schedulePoll(): void {
    if (this.poll !== null || this.closed) return;
    this.poll = this.deps.clock.setTimer(this.deps.pollMs ?? 1_000, () => {
      this.poll = null;
      this.checkHolds()
        .catch((err: unknown) => this.deps.logger.error({ err }, 'handover check failed'))
        .finally(() => (this.holds.size > 0 ? this.schedulePoll() : undefined));
    });
  }

  /** Holds whose new hosts all serve, or whose time ran out, end: the source then stops the vassal here. */
  private async checkHolds(): Promise<void> {
    const now = this.deps.clock.now();
    let ended = 0;
    for (const [name, hold] of [...this.holds]) {
      const served = now >= hold.until || (await this.allServe(name, hold.owners));
      if (!served || this.holds.get(name) !== hold) continue;
      this.deps.logger.info({ vassal: name, to: hold.owners, timedOut: now >= hold.until }, 'vassal handover done');
      this.release(name);
      ended += 1;
    }
    if (ended > 0 && !this.closed) this.changed();
  }

  private async allServe(name: string, owners: readonly string[]): Promise<boolean> {
    const answers = await Promise.all(owners.map((owner) => this.deps.serves(owner, name).catch(() => false)));
    return answers.every(Boolean);
  }
}
