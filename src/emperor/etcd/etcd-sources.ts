// Every etcd:// target of one emperor, opened together and closed together.
// The etcd modules are loaded only when there is one: a directory-only
// emperor never loads the etcd3 client or gRPC.
import type { Logger } from '../../log/logger.js';
import type { EmperorSettings } from '../emperor-settings.js';
import type { WatchTarget } from '../watch-target.js';
import { isEtcdSpec } from './etcd-settings.js';
import type { EtcdSource } from './etcd-source.js';
import type { Placement } from './placement.js';

/** The sources and what the emperor needs of them. */
export interface EtcdSources {
  readonly sources: readonly EtcdSource[];
  readonly targets: readonly WatchTarget[];
  /** the first listing of each (or its deadline), before the emperor's first scan */
  start(look: (path: string) => void): Promise<void>;
  close(): Promise<void>;
}

/** Open a source per etcd:// target; `placement` decides which shared vassals are this emperor's. */
export async function openEtcdSources(settings: EmperorSettings, logger: Logger, placement?: Placement): Promise<EtcdSources> {
  const specs = settings.targets.filter(isEtcdSpec);
  const sources: EtcdSource[] = [];
  if (specs.length > 0) {
    const { EtcdSource: Source } = await import('./etcd-source.js');
    for (const spec of specs) sources.push(await Source.open(spec, settings.etcd, logger, placement));
  }
  return {
    sources,
    targets: sources.map((source) => source.target),
    start: async (look) => void (await Promise.all(sources.map((source) => source.start(look)))),
    close: async () => void (await Promise.all(sources.map((source) => source.close()))),
  };
}
