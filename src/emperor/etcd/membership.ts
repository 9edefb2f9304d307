// This emperor as a member of its cluster: PREFIX/members/HOST-ID under a
// lease of `etcd-ttl` seconds, kept alive by the client; a lost lease (etcd
// unreachable longer than the TTL, or restarted) is granted again with capped
// back-off and the key put again. The members prefix is listed, then watched;
// each reconnect or failed watch lists it again, so no change is missed. This
// host always counts itself a member: losing its own key (a partition, an
// etcd outage) never makes it stop its vassals.
import type { Etcd3, Lease, Watcher } from 'etcd3';
import type { Logger } from '../../log/logger.js';
import type { Clock, TimerHandle } from '../clock.js';
import { memberKey, parseMemberRecord, type MemberRecord } from './member-record.js';

/** What membership is built from. */
export interface MembershipDeps {
  readonly client: Etcd3;
  /** ends with '/' */
  readonly prefix: string;
  readonly self: MemberRecord;
  readonly ttlSeconds: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** the live members changed (this host included) */
  readonly onMembers: (members: readonly MemberRecord[]) => void;
  /** a new lease was granted: keys written under the old one are gone and must be put again */
  readonly onLease?: (lease: Lease) => void;
}

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 10_000;

/** Registers this host, keeps its lease, and follows the other members. */
export class Membership {
  private lease: Lease | null = null;
  private watcher: Watcher | null = null;
  private readonly members = new Map<string, MemberRecord>();
  /** the lease and the watch retry apart, each with its own back-off */
  private readonly retries = { lease: { ms: RETRY_MIN_MS, timer: null as TimerHandle | null }, watch: { ms: RETRY_MIN_MS, timer: null as TimerHandle | null } };
  private closed = false;
  private published = '';

  constructor(private readonly deps: MembershipDeps) {}

  /** The current lease (status keys are written under it); null while one is being granted. */
  get currentLease(): Lease | null {
    return this.lease;
  }

  /** Register and follow; failures are retried in the background, never thrown. */
  start(): void {
    this.register();
    this.follow();
  }

  /** Stop following and revoke the lease: this host's member and status keys go at once. */
  async close(): Promise<void> {
    this.closed = true;
    this.retries.lease.timer?.clear();
    this.retries.watch.timer?.clear();
    await this.watcher?.cancel().catch(() => undefined);
    await this.lease?.revoke().catch(() => undefined);
  }

  private register(): void {
    if (this.closed) return;
    const { client, ttlSeconds, prefix, self, logger } = this.deps;
    const lease = client.lease(ttlSeconds);
    this.lease = lease;
    lease.on('lost', (err) => {
      if (this.lease !== lease || this.closed) return;
      logger.warn({ err: err.message }, 'etcd lease lost: registering again');
      this.lease = null;
      this.later('lease', () => this.register());
    });
    lease
      .put(memberKey(prefix, self.id))
      .value(JSON.stringify(self))
      .then(() => {
        if (this.lease !== lease) return;
        this.retries.lease.ms = RETRY_MIN_MS;
        logger.info({ host: self.id, ttl: ttlSeconds }, 'cluster member registered');
        this.deps.onLease?.(lease);
      })
      // the lease's 'lost' event follows a failed grant and does the retry
      .catch((err: unknown) => logger.debug({ err }, 'member registration failed'));
  }

  /** List the members, then watch for changes from the revision after the list. */
  private follow(): void {
    if (this.closed) return;
    const { client, prefix, logger } = this.deps;
    const membersPrefix = `${prefix}members/`;
    client
      .getAll()
      .prefix(membersPrefix)
      .exec()
      .then(async (res) => {
        this.members.clear();
        for (const kv of res.kvs) this.apply(kv.key.toString(), kv.value.toString());
        this.publish();
        const watcher = await client.watch().prefix(membersPrefix).startRevision(String(BigInt(res.header.revision) + 1n)).create();
        if (this.closed) return void watcher.cancel().catch(() => undefined);
        this.watcher = watcher;
        this.retries.watch.ms = RETRY_MIN_MS;
        watcher.on('put', (kv) => (this.apply(kv.key.toString(), kv.value.toString()), this.publish()));
        watcher.on('delete', (kv) => (this.members.delete(kv.key.toString().slice(membersPrefix.length)), this.publish()));
        watcher.on('error', (err) => {
          logger.warn({ err: err.message }, 'members watch failed: listing again');
          this.watcher = null;
          void watcher.cancel().catch(() => undefined);
          this.later('watch', () => this.follow());
        });
      })
      .catch((err: unknown) => {
        logger.debug({ err }, 'members list failed');
        this.later('watch', () => this.follow());
      });
  }

  private apply(key: string, value: string): void {
    const record = parseMemberRecord(this.deps.prefix, key, value);
    if (record === null) this.deps.logger.warn({ key }, 'member key ignored: not a member record');
    else this.members.set(record.id, record);
  }

  /** Tell the placement when the set of ids or their labels changed; this host is always among them. */
  private publish(): void {
    const all = new Map(this.members);
    all.set(this.deps.self.id, this.deps.self);
    const list = [...all.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    const shape = JSON.stringify(list.map((member) => [member.id, member.labels]));
    if (shape === this.published) return;
    this.published = shape;
    this.deps.logger.info({ members: list.map((member) => member.id) }, 'cluster members');
    this.deps.onMembers(list);
  }

  private later(which: 'lease' | 'watch', action: () => void): void {
    if (this.closed) return;
    const retry = this.retries[which];
    retry.timer?.clear();
    retry.timer = this.deps.clock.setTimer(retry.ms, action);
    retry.ms = Math.min(RETRY_MAX_MS, retry.ms * 2);
  }
}
