// Writes PREFIX/status/HOST-ID/PATH (PATH: the vassal's key below PREFIX) for each vassal this emperor runs from
// etcd, from the emperor's statistics document: at most once a second per
// vassal, only when the record changed, under the member lease (so a host's
// status vanishes with it), and deleted when the vassal stops here. A write
// that fails (etcd unreachable) is retried on the next round.
import type { Etcd3, Lease } from 'etcd3';
import type { Logger } from '../../log/logger.js';
import type { EmperorStatsDocument, VassalStatsDocument } from '../../stats/emperor-document.js';
import type { Clock, TimerHandle } from '../clock.js';
import { statusChanged, statusKey, statusRecord, type StatusRecord } from './status-record.js';

/** What the writer reads and writes. */
export interface StatusWriterDeps {
  readonly client: Etcd3;
  /** ends with '/' */
  readonly prefix: string;
  readonly hostId: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** the member lease, null while none is granted (nothing is written then) */
  readonly lease: () => Lease | null;
  readonly document: () => Promise<EmperorStatsDocument>;
  /** the status path of a vassal of the document (its key below PREFIX, e.g. "vassals/app.ini"), null for one not from etcd */
  readonly nameOf: (vassal: VassalStatsDocument) => string | null;
  readonly intervalMs?: number;
}

/** A write that etcd does not answer within this long is retried next round. */
const WRITE_DEADLINE_MS = 5_000;

function deadline(): { deadline: number } {
  return { deadline: Date.now() + WRITE_DEADLINE_MS };
}

/** One round a second; each round waits for the last to finish. */
export class StatusWriter {
  private written = new Map<string, StatusRecord>();
  private lease: Lease | null = null;
  private timer: TimerHandle | null = null;
  private failing = false;
  private closed = false;

  constructor(private readonly deps: StatusWriterDeps) {}

  start(): void {
    this.schedule();
  }

  /** Stop writing; the keys go with the lease. */
  close(): void {
    this.closed = true;
    this.timer?.clear();
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = this.deps.clock.setTimer(this.deps.intervalMs ?? 1_000, () => {
      this.round().then(
        () => this.schedule(),
        (err: unknown) => {
          this.deps.logger.error({ err }, 'status round failed');
          this.schedule();
        },
      );
    });
  }

  private async round(): Promise<void> {
    const lease = this.deps.lease();
    if (lease === null) return;
    // keys written under an earlier lease went with it
    if (lease !== this.lease) {
      this.lease = lease;
      this.written = new Map();
    }
    const document = await this.deps.document();
    const now = this.deps.clock.now();
    const current = new Map<string, StatusRecord>();
    for (const vassal of document.vassals) {
      const name = vassal.zerg === 1 ? null : this.deps.nameOf(vassal);
      if (name !== null) current.set(name, statusRecord(vassal, now));
    }
    const writes = [...current].filter(([name, record]) => statusChanged(this.written.get(name), record)).map(([name, record]) => this.put(lease, name, record));
    const deletes = [...this.written.keys()].filter((name) => !current.has(name)).map((name) => this.delete(name));
    const results = await Promise.all([...writes, ...deletes]);
    this.reportFailures(results.filter((ok) => !ok).length);
  }

  private async put(lease: Lease, name: string, record: StatusRecord): Promise<boolean> {
    try {
      await lease.put(statusKey(this.deps.prefix, this.deps.hostId, name)).value(JSON.stringify(record)).options(deadline());
      if (this.lease === lease) this.written.set(name, record);
      return true;
    } catch {
      return false;
    }
  }

  private async delete(name: string): Promise<boolean> {
    try {
      await this.deps.client.delete().key(statusKey(this.deps.prefix, this.deps.hostId, name)).options(deadline());
      this.written.delete(name);
      return true;
    } catch {
      return false;
    }
  }

  /** One line when writes start failing, one when they work again. */
  private reportFailures(failed: number): void {
    if (failed > 0 && !this.failing) this.deps.logger.warn({ failed }, 'status writes failing: retried every second');
    if (failed === 0 && this.failing) this.deps.logger.info('status writes work again');
    this.failing = failed > 0;
  }
}
