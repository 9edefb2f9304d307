// This emperor as a member of its cluster: PREFIX/members/HOST-ID under a
// lease of `etcd-ttl` seconds, kept alive by the client; a lost lease (etcd
// unreachable longer than the TTL, or restarted) is granted again with capped
// back-off and the key put again. The members prefix is listed every second
// (a member's arrival or departure is seen within a second of etcd's). This
// host always counts itself a member: losing its own key (a partition, an
// etcd outage) never makes it stop its vassals.
import type { Etcd3, Lease } from 'etcd3';
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
}

const RETRY_MIN_MS = 500;
const POLL_MS = 1_000;
const POLL_DEADLINE_MS = 5_000;
const RETRY_MAX_MS = 10_000;

/** Registers this host, keeps its lease, and follows the other members. */
export class Membership {
  private lease: Lease | null = null;
  private pollTimer: TimerHandle | null = null;
  private readonly members = new Map<string, MemberRecord>();
  /** malformed member keys already warned about, with the revision warned about */
  private readonly badKeys = new Map<string, string>();
  private retryMs = RETRY_MIN_MS;
  private retryTimer: TimerHandle | null = null;
  private closed = false;
  private published = '';
  /** the loss was logged; cleared once registered again */
  private unregistered = false;

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
    this.retryTimer?.clear();
    this.pollTimer?.clear();
    await this.lease?.revoke().catch(() => undefined);
  }

  private register(): void {
    if (this.closed) return;
    const { client, ttlSeconds, prefix, self, logger } = this.deps;
    const lease = client.lease(ttlSeconds);
    this.lease = lease;
    lease.on('lost', (err) => this.retry(lease, err));
    lease
      .put(memberKey(prefix, self.id))
      .value(JSON.stringify(self))
      .then(() => {
        if (this.lease !== lease) return;
        this.retryMs = RETRY_MIN_MS;
        this.unregistered = false;
        logger.info({ ttl: ttlSeconds }, 'cluster member registered');
      })
      .catch((err: unknown) => this.retry(lease, err));
  }

  /** The lease was lost (or its grant or the member put failed): a new one after a back-off; logged once until registered again. */
  private retry(lease: Lease, err: unknown): void {
    if (this.lease !== lease || this.closed) return;
    this.lease = null;
    lease.release();
    const fields = { err: err instanceof Error ? err.message : String(err) };
    if (this.unregistered) this.deps.logger.debug(fields, 'cluster registration failed: retrying');
    else this.deps.logger.warn(fields, 'cluster registration lost: registering again when etcd answers');
    this.unregistered = true;
    this.later(() => this.register());
  }

  /**
   * List the members now and every POLL_MS: one small range read a second
   * costs etcd nothing, and unlike a watch it has no reconnect of its own to
   * wait for after an outage (the etcd3 watch backs off up to 30 s).
   */
  private follow(): void {
    if (this.closed) return;
    const { client, prefix, logger } = this.deps;
    client
      .getAll()
      .prefix(`${prefix}members/`)
      .options({ deadline: Date.now() + POLL_DEADLINE_MS })
      .exec()
      .then(
        (res) => {
          this.members.clear();
          const listed = new Set(res.kvs.map((kv) => kv.key.toString()));
          for (const key of [...this.badKeys.keys()]) if (!listed.has(key)) this.badKeys.delete(key);
          for (const kv of res.kvs) this.apply(kv.key.toString(), kv.value.toString(), kv.mod_revision);
          this.publish();
        },
        (err: unknown) => logger.debug({ err }, 'members list failed'),
      )
      .finally(() => {
        if (!this.closed) this.pollTimer = this.deps.clock.setTimer(POLL_MS, () => this.follow());
      });
  }

  /** Warned once per key and revision: the list is polled every second. */
  private apply(key: string, value: string, revision: string): void {
    const record = parseMemberRecord(this.deps.prefix, key, value);
    if (record !== null) {
      this.badKeys.delete(key);
      this.members.set(record.id, record);
    } else if (this.badKeys.get(key) !== revision) {
      this.badKeys.set(key, revision);
      this.deps.logger.warn({ key }, 'member key ignored: not a member record');
    }
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

  /** Grant a lease again after a capped back-off. */
  private later(action: () => void): void {
    if (this.closed) return;
    this.retryTimer?.clear();
    this.retryTimer = this.deps.clock.setTimer(this.retryMs, action);
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
  }
}
