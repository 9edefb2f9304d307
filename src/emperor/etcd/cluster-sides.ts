// The cluster side of every etcd:// target of one emperor: a Cluster per
// target (membership, placement, status), created before its source (which
// is opened with the placement), joined with the source's client, waited for
// before the first listing is placed, and left on stop.
import type { Logger } from '../../log/logger.js';
import type { EmperorStatsDocument } from '../../stats/emperor-document.js';
import { systemClock } from '../clock.js';
import { Cluster } from './cluster.js';
import type { EtcdSettings } from './etcd-settings.js';
import type { EtcdSource } from './etcd-source.js';
import { parseEtcdTarget } from './etcd-target.js';
import { statusPathOf } from './key-layout.js';
import type { Placement } from './placement.js';

/** How long the first start waits for the members before placing from this host alone (etcd unreachable). */
const FIRST_MEMBERS_MS = 5_000;

/** One Cluster per etcd target, by spec. */
export class ClusterSides {
  private readonly bySpec = new Map<string, Cluster>();
  private closing: Promise<void> | null = null;

  constructor(private readonly settings: EtcdSettings, private readonly logger: Logger) {}

  /** The placement for the source of `spec`. */
  placementFor(spec: string): Placement {
    const target = parseEtcdTarget(spec);
    const cluster = new Cluster({
      prefix: target.prefix,
      hostId: this.settings.hostId,
      ttlSeconds: this.settings.ttlSeconds,
      labels: this.settings.labels,
      clock: systemClock,
      logger: this.logger.child({ etcd: target.spec }),
    });
    this.bySpec.set(target.spec, cluster);
    return cluster.placement;
  }

  /** Register with the source's client. */
  join(source: EtcdSource): void {
    this.bySpec.get(source.etcd.spec)?.join(source.client.raw);
  }

  /** Every cluster listed its members once, or the deadline passed. */
  async ready(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, FIRST_MEMBERS_MS)));
    await Promise.race([Promise.all([...this.bySpec.values()].map((cluster) => cluster.ready)), deadline]);
    clearTimeout(timer);
  }

  /** Write each target's status keys from the emperor's document. */
  startStatus(document: () => Promise<EmperorStatsDocument>): void {
    for (const [spec, cluster] of this.bySpec) {
      cluster.startStatus({ document, nameOf: (vassal) => (vassal.monitor === spec ? statusPathOf(this.settings.hostId, vassal.id) : null) });
    }
  }

  /** Leave every cluster (once): leases revoked, member and status keys gone. */
  close(): Promise<void> {
    this.closing ??= Promise.all([...this.bySpec.values()].map((cluster) => cluster.close())).then(() => undefined);
    return this.closing;
  }
}
