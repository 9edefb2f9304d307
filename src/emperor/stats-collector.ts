// The emperor's statistics document: every vassal's master is asked over IPC
// at once and given at most `timeoutMs` to answer; one that does not (hung,
// SIGSTOPped) is listed with `answered: false`, never left out. Concurrent
// callers share one collection, and a finished one is reused for `maxAgeMs`,
// so a scraper hitting the emperor 100 times a second costs each master at
// most one request a second.
import type { EmperorStatsDocument, VassalStatsDocument } from '../stats/emperor-document.js';
import type { MasterStatsDocument } from '../stats/master-document.js';
import type { Clock } from './clock.js';
import type { Fingerprint } from './fingerprint.js';
import { vassalDocument, type VassalFacts } from './stats-vassal-document.js';
import type { VassalHistorySnapshot } from './stats-vassal-history.js';
import type { VassalStatus } from './vassal.js';
import { isWatchedPath, type WatchTarget } from './watch-target.js';

/** How long a master may take to answer. */
export const STATS_TIMEOUT_MS = 2_000;
/** How long a finished collection is served again. */
export const STATS_MAX_AGE_MS = 1_000;

/** What the collector needs of a vassal (the Vassal class, or a test's stand-in). */
export interface StatsSubject {
  readonly file: string;
  readonly fingerprint: Fingerprint | null;
  status(): VassalStatus;
  historySnapshot(): VassalHistorySnapshot;
  requestStats(timeoutMs: number): Promise<MasterStatsDocument | null>;
}

/** The emperor's side of a collection. */
export interface EmperorStatsDeps {
  readonly clock: Clock;
  readonly version: string;
  readonly targets: readonly WatchTarget[];
  readonly vassals: () => readonly StatsSubject[];
  readonly timeoutMs?: number;
  readonly maxAgeMs?: number;
}

/** Builds (and shares) the emperor's statistics document. */
export class EmperorStatsCollector {
  private latest: EmperorStatsDocument | null = null;
  private running: Promise<EmperorStatsDocument> | null = null;

  constructor(private readonly deps: EmperorStatsDeps) {}

  /**
   * The latest document if it is fresh enough, the one being collected, or a new
   * collection. `fresh` (SIGUSR1, an operator's look) skips the finished one, so
   * states changed since then show.
   */
  collect(fresh = false): Promise<EmperorStatsDocument> {
    const { clock, maxAgeMs = STATS_MAX_AGE_MS } = this.deps;
    if (!fresh && this.latest !== null && clock.now() - this.latest.collected_ms < maxAgeMs) return Promise.resolve(this.latest);
    this.running ??= this.collectNow().finally(() => (this.running = null));
    return this.running;
  }

  private async collectNow(): Promise<EmperorStatsDocument> {
    const { clock, targets, version, timeoutMs = STATS_TIMEOUT_MS } = this.deps;
    const subjects = this.deps.vassals();
    const replies = await Promise.all(subjects.map((subject) => subject.requestStats(timeoutMs).catch(() => null)));
    const nowMs = clock.now();
    const facts = subjects.map(
      (subject, i): VassalFacts => ({
        status: subject.status(),
        history: subject.historySnapshot(),
        lastModMs: subject.fingerprint === null ? null : Number(subject.fingerprint.mtimeNs / 1_000_000n),
        monitor: targets.find((target) => isWatchedPath([target], subject.file))?.spec ?? '',
        stats: replies[i] ?? null,
        nowMs,
      }),
    );
    const vassals = facts.map(vassalDocument).sort((a, b) => a.id.localeCompare(b.id));
    this.latest = {
      version,
      pid: process.pid,
      uid: process.getuid?.() ?? 0,
      gid: process.getgid?.() ?? 0,
      cwd: process.cwd(),
      emperor: targets.map((target) => target.spec),
      emperor_tyrant: 0,
      throttle_level: 0,
      vassals,
      blacklist: blacklistOf(facts, vassals),
      collected_ms: nowMs,
    };
    return this.latest;
  }
}

/** Vassals broken or backing off, as uWSGI lists its blacklist (epoch seconds, throttle in ms). */
function blacklistOf(facts: readonly VassalFacts[], vassals: readonly VassalStatsDocument[]): EmperorStatsDocument['blacklist'] {
  return facts
    .filter((fact) => fact.status.state === 'backoff' || fact.status.state === 'broken')
    .map((fact) => ({
      id: fact.status.vassal,
      throttle_level: fact.status.state === 'backoff' ? fact.history.backoffMs : 0,
      attempt: fact.status.failures,
      first_attempt: Math.floor((fact.history.troubledSinceMs ?? fact.nowMs) / 1000),
      last_attempt: vassals.find((vassal) => vassal.id === fact.status.vassal)?.last_run ?? 0,
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}
