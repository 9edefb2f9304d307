// One etcd target's cluster side: this emperor's membership (its member key
// under a lease), the placement the source asks which vassals are this
// host's, and the status keys written back. Built with the source (which
// needs the placement), started once the emperor can give its statistics.
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
  readonly client: Etcd3;
  /** the target's prefix, without a trailing '/' (keys are PREFIX/members/HOST-ID) */
  readonly prefix: string;
  readonly hostId: string;
  readonly ttlSeconds: number;
  readonly labels: readonly string[];
  readonly version: string;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** What the status keys are written from, once the emperor runs. */
export interface ClusterStatusSource {
  readonly document: () => Promise<EmperorStatsDocument>;
  /** the etcd name of a vassal of the document, null for one that is not this target's */
  readonly nameOf: (vassal: VassalStatsDocument) => string | null;
}

/** Membership, placement and status for one etcd target. */
export class EtcdCluster {
  readonly placement: ClusterPlacement;
  private readonly membership: Membership;
  private status: StatusWriter | null = null;

  constructor(private readonly deps: ClusterDeps) {
    const prefix = `${deps.prefix}/`;
    const log = deps.logger.child({ host: deps.hostId });
    this.placement = new ClusterPlacement({
      selfId: deps.hostId,
      clock: deps.clock,
      logger: log,
      holdMs: deps.ttlSeconds * 1000,
      serves: async (host, name) => {
        const value = await deps.client.get(statusKey(prefix, host, name)).string();
        return value !== null && parseStatusRecord(value)?.serving === true;
      },
    });
    this.membership = new Membership({
      client: deps.client,
      prefix,
      self: selfRecord(deps),
      ttlSeconds: deps.ttlSeconds,
      clock: deps.clock,
      logger: log,
      onMembers: (members) => this.placement.setMembers(members),
    });
  }

  /** Register and follow the members (the placement answers once they are listed). */
  join(): void {
    this.membership.start();
  }

  /** Write status keys from now on. */
  startStatus(source: ClusterStatusSource): void {
    this.status = new StatusWriter({
      client: this.deps.client,
      prefix: `${this.deps.prefix}/`,
      hostId: this.deps.hostId,
      clock: this.deps.clock,
      logger: this.deps.logger,
      lease: () => this.membership.currentLease,
      ...source,
    });
    this.status.start();
  }

  /** Leave: the lease is revoked, so this host's member and status keys go at once. */
  async close(): Promise<void> {
    this.status?.close();
    this.placement.close();
    await this.membership.close();
  }
}

/** This host's member record: its labels, and its capacity for an operator's look. */
function selfRecord(deps: ClusterDeps): MemberRecord {
  return Object.freeze({
    id: deps.hostId,
    labels: Object.freeze([...deps.labels]),
    capacity: Object.freeze({ cpus: availableParallelism(), memory_bytes: totalmem() }),
    pid: process.pid,
    version: deps.version,
    started_at: deps.clock.now(),
  });
}
