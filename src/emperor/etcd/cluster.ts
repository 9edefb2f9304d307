// One etcd target's cluster side: this emperor's membership (its member key
// under a lease), the placement the source asks which vassals are this
// host's, and the status keys written back. The placement exists first (the
// source is opened with it); the etcd client is given once the source made
// it; status is written once the emperor can give its statistics.
import { availableParallelism, totalmem } from 'node:os';
import type { Etcd3 } from 'etcd3';
import type { Logger } from '../../log/logger.js';
import type { EmperorStatsDocument, VassalStatsDocument } from '../../stats/emperor-document.js';
import type { Clock } from '../clock.js';
import { ClusterPlacement } from './cluster-placement.js';
import type { MemberRecord } from './member-record.js';
import { Membership } from './membership.js';
import { parseStatusRecord, statusKey } from './status-record.js';
import { StatusWriter } from './status-writer.js';

/** What a cluster is built from. */
export interface ClusterDeps {
  /** the target's prefix, without a trailing '/' (keys are PREFIX/members/HOST-ID) */
  readonly prefix: string;
  readonly hostId: string;
  readonly ttlSeconds: number;
  readonly labels: readonly string[];
  readonly clock: Clock;
  readonly logger: Logger;
}

/** What the status keys are written from, once the emperor runs. */
export interface ClusterStatusSource {
  readonly document: () => Promise<EmperorStatsDocument>;
  /** the status path of a vassal of the document (its key below the prefix), null for one that is not this target's */
  readonly nameOf: (vassal: VassalStatsDocument) => string | null;
}

/** Membership, placement and status for one etcd target. */
export class Cluster {
  readonly placement: ClusterPlacement;
  private readonly self: MemberRecord;
  private readonly log: Logger;
  private client: Etcd3 | null = null;
  private membership: Membership | null = null;
  private status: StatusWriter | null = null;
  private listed: () => void = () => undefined;
  /** resolves once the members were listed the first time */
  readonly ready = new Promise<void>((resolve) => (this.listed = resolve));

  constructor(private readonly deps: ClusterDeps) {
    this.log = deps.logger.child({ host: deps.hostId });
    this.self = selfRecord(deps);
    this.placement = new ClusterPlacement({
      self: this.self,
      clock: deps.clock,
      logger: this.log,
      holdMs: deps.ttlSeconds * 1000,
      serves: async (host, name) => {
        const value = (await this.client?.get(statusKey(`${deps.prefix}/`, host, `vassals/${name}`)).string()) ?? null;
        return value !== null && parseStatusRecord(value)?.serving === true;
      },
    });
  }

  /** Register with `client` and follow the members. */
  join(client: Etcd3): void {
    this.client = client;
    this.membership = new Membership({
      client,
      prefix: `${this.deps.prefix}/`,
      self: this.self,
      ttlSeconds: this.deps.ttlSeconds,
      clock: this.deps.clock,
      logger: this.log,
      onMembers: (members) => {
        this.placement.setMembers(members);
        this.listed();
      },
    });
    this.membership.start();
  }

  /** Write status keys from now on. */
  startStatus(source: ClusterStatusSource): void {
    const { client, membership } = this;
    if (client === null || membership === null) return;
    this.status = new StatusWriter({
      client,
      prefix: `${this.deps.prefix}/`,
      hostId: this.deps.hostId,
      clock: this.deps.clock,
      logger: this.deps.logger,
      lease: () => membership.currentLease,
      ...source,
    });
    this.status.start();
  }

  /** Leave: the lease is revoked, so this host's member and status keys go at once. */
  async close(): Promise<void> {
    this.status?.close();
    this.placement.close();
    await this.membership?.close();
  }
}

/** This host's member record: its labels, and its capacity for an operator's look. */
function selfRecord(deps: ClusterDeps): MemberRecord {
  return Object.freeze({
    id: deps.hostId,
    labels: Object.freeze([...deps.labels]),
    capacity: Object.freeze({ cpus: availableParallelism(), memory_bytes: totalmem() }),
    pid: process.pid,
    started_at: deps.clock.now(),
  });
}
