// One etcd:// target as a source of vassal files. It lists the prefix, mirrors
// it into a private cache directory, then watches from the next revision; the
// emperor watches the cache like any directory and is told of each change at
// once. After a lost connection the watch resumes from the last revision seen,
// so no change is missed; when etcd compacted past it, the prefix is listed
// again and compared with the cache instead. While etcd is unreachable nothing
// changes in the cache, so every running vassal keeps running; the outage is
// logged once and the source retries with a capped back-off.
import { createHash } from 'node:crypto';
import type { Logger } from '../../log/logger.js';
import type { WatchTarget } from '../watch-target.js';
import { CacheDir } from './cache-dir.js';
import { openEtcdClient, type EtcdClient, type EtcdEvent } from './client.js';
import { EtcdMirror } from './etcd-mirror.js';
import type { EtcdSettings } from './etcd-settings.js';
import { parseEtcdTarget, type EtcdTarget } from './etcd-target.js';
import { isCachedVassal } from './key-layout.js';
import { everyMember, type Placement } from './placement.js';

/** Retry delays after a failure: doubling from the first, capped. */
export const RETRY_FIRST_MS = 250;
/** The back-off never waits longer than this between tries. */
export const RETRY_MAX_MS = 5_000;

/** How long start() waits for the first listing before the emperor runs from the cache as it is. */
const FIRST_SYNC_MS = 5_000;

/** A running etcd source; `target` is what the emperor watches. */
export class EtcdSource {
  readonly target: WatchTarget;
  private mirror: EtcdMirror | null = null;
  /** the last revision whose changes are all applied (or queued); 0 before the first listing */
  private seen = 0;
  private resyncNeeded = true;
  private down = false;
  private closed = false;
  private work: Promise<void> = Promise.resolve();
  private running: Promise<void> = Promise.resolve();
  private wake: () => void = () => undefined;
  private cancelWatch: () => void = () => undefined;

  private constructor(
    readonly etcd: EtcdTarget,
    readonly client: EtcdClient,
    private readonly cache: CacheDir,
    private readonly settings: EtcdSettings,
    private readonly placement: Placement,
    private readonly log: Logger,
  ) {
    const { hostId } = settings;
    this.target = { spec: etcd.spec, root: cache.root, depth: 3, matches: (path) => isCachedVassal(hostId, path) };
  }

  /** Parse the spec, make the cache directory private, build the client (etcd3 is loaded here). */
  static async open(spec: string, settings: EtcdSettings, logger: Logger, placement: Placement = everyMember): Promise<EtcdSource> {
    const etcd = parseEtcdTarget(spec);
    const client = await openEtcdClient(etcd, settings);
    const cache = await CacheDir.open(settings.cache, cacheName(etcd, settings.hostId));
    return new EtcdSource(etcd, client, cache, settings, placement, logger.child({ etcd: etcd.spec }));
  }

  /** Start mirroring; resolves after the first listing, or after FIRST_SYNC_MS (the cache as left by the last run stands meanwhile). */
  async start(look: (path: string) => void): Promise<void> {
    this.mirror = new EtcdMirror({ prefix: this.etcd.prefix, hostId: this.settings.hostId, cache: this.cache, placement: this.placement, logger: this.log, look });
    this.placement.onChange(() => void this.enqueue(async (mirror) => mirror.reevaluate()));
    let firstSync: () => void = () => undefined;
    const synced = new Promise<void>((resolve) => (firstSync = resolve));
    this.running = this.loop(firstSync).catch((err: unknown) => this.log.error({ err }, 'etcd source stopped'));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([synced, new Promise<void>((resolve) => (timer = setTimeout(resolve, FIRST_SYNC_MS)))]);
    clearTimeout(timer);
    this.log.info({ cache: this.cache.root, hostId: this.settings.hostId, revision: this.seen }, 'etcd source started');
  }

  /** Stop watching and close the client; the cache stays for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelWatch();
    this.wake();
    await this.running;
    await this.work;
    this.client.close();
  }

  private async loop(firstSync: () => void): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      try {
        if (this.resyncNeeded) await this.resync();
        firstSync();
        const end = await this.watch(() => (failures = 0));
        if (end.why === 'canceled') this.resyncNeeded = true;
        // one lost stream is a member going away (a leader change, a restart): only a second failure in a row is an outage
        if (end.why === 'lost' && failures > 0) this.unreachable(end.err);
      } catch (err) {
        this.unreachable(err);
      }
      if (this.closed) break;
      await this.sleep(Math.min(RETRY_FIRST_MS * 2 ** failures, RETRY_MAX_MS));
      failures = Math.min(failures + 1, 16);
    }
  }

  /** List the prefix and make the cache match it. */
  private async resync(): Promise<void> {
    const { revision, entries } = await this.client.list(`${this.etcd.prefix}/`);
    this.reachable();
    await this.enqueue(async (mirror) => mirror.replaceAll(entries));
    this.seen = revision;
    this.resyncNeeded = false;
    this.log.info({ revision, keys: entries.length }, 'etcd listed');
  }

  /** Watch from the next revision until the watch ends; 'lost' resumes from `seen`, 'canceled' lists again. */
  private watch(connected: () => void): Promise<{ why: 'lost' | 'canceled' | 'closed'; err?: Error }> {
    return new Promise((resolve) => {
      const handle = this.client.watch(`${this.etcd.prefix}/`, this.seen + 1, {
        onConnected: () => {
          this.reachable();
          connected();
        },
        onEvents: (events, seenRevision) => {
          void this.enqueue(async (mirror) => applyEvents(mirror, events));
          this.seen = Math.max(this.seen, seenRevision);
        },
        onEnd: (why, err) => {
          this.cancelWatch = () => undefined;
          if (why === 'canceled') this.log.warn({ err, revision: this.seen }, 'etcd watch canceled (compacted past it?): listing again');
          resolve({ why, err });
        },
      });
      this.cancelWatch = () => {
        handle.cancel();
        resolve({ why: 'closed' });
      };
    });
  }

  /** Mirror operations run one at a time, in the order etcd gave them. */
  private enqueue(job: (mirror: EtcdMirror) => Promise<void>): Promise<void> {
    const mirror = this.mirror;
    if (mirror === null) return Promise.resolve();
    this.work = this.work.then(() => job(mirror)).catch((err: unknown) => this.log.error({ err }, 'etcd cache update failed'));
    return this.work;
  }

  private unreachable(err: unknown): void {
    if (this.down || this.closed) return;
    this.down = true;
    this.log.warn({ code: 'UW_ETCD_UNREACHABLE', endpoints: this.etcd.endpoints, error: err instanceof Error ? err.message : String(err) }, 'etcd unreachable: running vassals keep running; retrying');
  }

  private reachable(): void {
    if (!this.down) return;
    this.down = false;
    this.log.info({ revision: this.seen }, 'etcd reachable again');
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

async function applyEvents(mirror: EtcdMirror, events: readonly EtcdEvent[]): Promise<void> {
  for (const event of events) {
    if (event.type === 'put') await mirror.put(event.entry, true);
    else await mirror.delete(event.entry.key);
  }
}

/** One directory per (members, prefix, host id): two emperors on one machine never share one. */
function cacheName(etcd: EtcdTarget, hostId: string): string {
  const digest = createHash('sha256').update(`${[...etcd.endpoints].sort().join(',')}\n${etcd.prefix}`).digest('hex').slice(0, 12);
  return `${hostId}-${digest}`;
}
