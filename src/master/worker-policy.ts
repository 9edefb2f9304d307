// The worker policies as one pure judgement per worker and tick: harakiri
// (a request running too long: kill), worker-heartbeat (an event loop that
// stops answering: kill), then the graceful recycles, in uWSGI's
// order: max-requests, reload-on-rss (both only after min-worker-lifetime),
// max-worker-lifetime. Limits grow by delta x (worker id - 1), as in uWSGI,
// so that workers started together do not all recycle together.
import type { WorkerPolicies } from '../config/vassal-config.js';

/** What the master knows of one ready worker at a tick. */
export interface WorkerFacts {
  readonly id: number;
  /** epoch ms */
  readonly spawnedAt: number;
  /** epoch ms it became ready, null while it boots: boot time is not blocked time */
  readonly readyAt: number | null;
  /** epoch ms of its last resume after a pause, 0 if never paused: no harakiri counts time before it */
  readonly resumedAt: number;
  /** requests served since it started; null when unknown (exec, or no answer yet) */
  readonly requests: number | null;
  /** resident bytes; null when not read */
  readonly rss: number | null;
  /** its answer this tick; null when it did not answer in time (a blocked event loop) */
  readonly answer: { readonly inflight: number; readonly current: { readonly request: string; readonly since: number } | null } | null;
  /** its last answer before this tick, and when it came (epoch ms); null if it never answered */
  readonly previous: { readonly at: number; readonly inflight: number; readonly current: { readonly request: string; readonly since: number } | null } | null;
}

export type PolicyVerdict =
  | { readonly action: 'harakiri'; readonly request: string | null; readonly runningMs: number; readonly inflight: number; readonly blocked: boolean }
  /** worker-heartbeat: its event loop has not answered since `blockedMs` ago */
  | { readonly action: 'unresponsive'; readonly blockedMs: number }
  | { readonly action: 'recycle'; readonly reason: string };

/** What to do with the worker now, if anything. */
export function judgeWorker(policies: WorkerPolicies, facts: WorkerFacts, now: number): PolicyVerdict | null {
  return harakiri(policies, facts, now) ?? unresponsive(policies, facts, now) ?? recycle(policies, facts, now);
}

/** No answer, and none for longer than worker-heartbeat: its loop is blocked (a loop busy on async work still answers). */
function unresponsive(policies: WorkerPolicies, facts: WorkerFacts, now: number): PolicyVerdict | null {
  const limit = policies.workerHeartbeatMs;
  // not ready yet: still booting, which ready-timeout judges
  if (limit === undefined || facts.answer !== null || facts.readyAt === null) return null;
  // neither boot time nor time paused is blocked time: its answers stop while it is paused
  const since = Math.max(facts.previous?.at ?? 0, facts.readyAt, facts.resumedAt);
  return now - since > limit ? { action: 'unresponsive', blockedMs: now - since } : null;
}

function harakiri(policies: WorkerPolicies, facts: WorkerFacts, now: number): PolicyVerdict | null {
  const limit = policies.harakiriMs;
  if (limit === undefined) return null;
  const { answer, previous } = facts;
  if (answer !== null) {
    if (answer.current === null) return null;
    const running = now - answer.current.since;
    if (now - Math.max(answer.current.since, facts.resumedAt) <= limit) return null;
    return { action: 'harakiri', request: answer.current.request, runningMs: running, inflight: answer.inflight, blocked: false };
  }
  // no answer: its event loop is blocked, so whatever it was serving has been stuck at least since then
  if (facts.readyAt === null) return null;
  const since = previous?.current?.since ?? previous?.at ?? facts.readyAt;
  if (now - Math.max(since, facts.resumedAt) <= limit) return null;
  return { action: 'harakiri', request: previous?.current?.request ?? null, runningMs: now - since, inflight: previous?.inflight ?? 0, blocked: true };
}

function recycle(policies: WorkerPolicies, facts: WorkerFacts, now: number): PolicyVerdict | null {
  const age = now - facts.spawnedAt;
  const step = facts.id - 1;
  if (age >= policies.minLifetimeMs) {
    if (policies.maxRequests !== undefined && facts.requests !== null) {
      const limit = policies.maxRequests + step * policies.maxRequestsDelta;
      if (facts.requests >= limit) return { action: 'recycle', reason: `max-requests: served ${facts.requests} requests (limit ${limit})` };
    }
    if (policies.reloadOnRssBytes !== undefined && facts.rss !== null && facts.rss >= policies.reloadOnRssBytes) {
      return { action: 'recycle', reason: `reload-on-rss: ${mb(facts.rss)} MB resident (limit ${mb(policies.reloadOnRssBytes)} MB)` };
    }
  }
  if (policies.maxLifetimeMs !== undefined) {
    const limit = policies.maxLifetimeMs + step * policies.maxLifetimeDeltaMs;
    if (age >= limit) return { action: 'recycle', reason: `max-worker-lifetime: ran ${Math.round(age / 1000)} s (limit ${limit / 1000} s)` };
  }
  return null;
}

function mb(bytes: number): number {
  return Math.round(bytes / (1024 * 1024));
}

/** True when any policy needs the monitor's tick. */
export function hasPolicies(policies: WorkerPolicies): boolean {
  return policies.harakiriMs !== undefined || policies.workerHeartbeatMs !== undefined || policies.maxRequests !== undefined || policies.maxLifetimeMs !== undefined || policies.reloadOnRssBytes !== undefined;
}
