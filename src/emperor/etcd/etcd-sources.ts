// Every etcd:// target of one emperor, opened together and closed together.
// The etcd modules are loaded only when there is one: a directory-only
// emperor never loads the etcd3 client or gRPC.
import type { Logger } from '../../log/logger.js';
import type { EmperorStatsDocument } from '../../stats/emperor-document.js';
import type { EmperorSettings } from '../emperor-settings.js';
import type { WatchTarget } from '../watch-target.js';
import { isEtcdSpec } from './etcd-settings.js';
import type { EtcdSource } from './etcd-source.js';
import type { Placement } from './placement.js';

/** The sources and what the emperor needs of them. */
export interface EtcdSources {
  readonly sources: readonly EtcdSource[];
  readonly targets: readonly WatchTarget[];
  /** the first listing of each (or its deadline), before the emperor's first scan; status keys are written from `document` */
  start(look: (path: string) => void, document?: () => Promise<EmperorStatsDocument>): Promise<void>;
  /** the emperor is stopping: leave each cluster now (its vassals start elsewhere while ours stop) */
  leave(): Promise<void>;
  close(): Promise<void>;
}

/** Open a source per etcd:// target; `placement` decides which shared vassals are this emperor's. */
export async function openEtcdSources(settings: EmperorSettings, logger: Logger, placement?: Placement): Promise<EtcdSources> {
  const specs = settings.targets.filter(isEtcdSpec);
  const none = () => Promise.resolve();
  if (specs.length === 0) return { sources: [], targets: [], start: none, leave: none, close: none };
  const { EtcdSource: Source } = await import('./etcd-source.js');
  const { ClusterSides } = await import('./cluster-sides.js');
  const clusters = new ClusterSides(settings.etcd, logger);
  const sources: EtcdSource[] = [];
  for (const spec of specs) sources.push(await Source.open(spec, settings.etcd, logger, placement ?? clusters.placementFor(spec)));
  if (placement === undefined) sources.forEach((source) => clusters.join(source));
  return {
    sources,
    targets: sources.map((source) => source.target),
    start: async (look, document) => {
      await clusters.ready();
      await Promise.all(sources.map((source) => source.start(look)));
      if (document !== undefined) clusters.startStatus(document);
    },
    leave: () => clusters.close(),
    close: async () => {
      await clusters.close();
      await Promise.all(sources.map((source) => source.close()));
    },
  };
}
