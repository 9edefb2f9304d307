// The timer behind the worker policies (harakiri, worker-heartbeat, max-requests,
// max-worker-lifetime, reload-on-rss): once a second it asks each ready worker
// of the current generation for its counters (Node workers, only when a
// policy needs them) and reads its memory from /proc (only with reload-on-rss),
// then acts on judgeWorker's verdict through the pool.
import { isNodeApp, type VassalConfig } from '../config/vassal-config.js';
import type { Logger } from '../log/logger.js';
import { startPeriodicCheck, type PeriodicCheck } from './periodic-check.js';
import { processMemory } from './process-memory.js';
import type { Worker } from './worker.js';
import { hasPolicies, judgeWorker, type PolicyVerdict, type WorkerFacts } from './worker-policy.js';

const TICK_MS = 1_000;
/** a worker that does not answer within this is taken as blocked (its event loop is) */
const ANSWER_MS = 900;

/** What the monitor needs of the pool. */
export interface PolicyTarget {
  /** ready workers of the current generation */
  readonly serving: () => readonly Worker[];
  readonly act: (worker: Worker, verdict: PolicyVerdict) => void;
}

type LastAnswer = NonNullable<WorkerFacts['previous']>;

/** Started by a master whose config has a policy; null otherwise. */
export function startPolicyMonitor(config: VassalConfig, log: Logger, target: PolicyTarget): { stop(): void } | null {
  const { policies } = config;
  if (!hasPolicies(policies)) return null;
  const ask = isNodeApp(config.app) && (policies.harakiriMs !== undefined || policies.maxRequests !== undefined || policies.workerHeartbeatMs !== undefined);
  const answers = new WeakMap<Worker, LastAnswer>();
  const tick = async (check: PeriodicCheck): Promise<void> => {
    const workers = target.serving();
    const activities = await Promise.all(workers.map((worker) => (ask ? worker.activity(ANSWER_MS) : Promise.resolve(null))));
    if (check.stopped) return;
    const now = Date.now();
    workers.forEach((worker, index) => {
      if (worker.status !== 'ready' || worker.paused || worker.pid === null) return;
      const activity = activities[index] ?? null;
      const answer = activity === null ? null : { inflight: activity.inflight, current: activity.current ?? null };
      const previous = answers.get(worker) ?? null;
      if (answer !== null) answers.set(worker, { at: now, ...answer });
      const facts: WorkerFacts = {
        id: worker.id,
        spawnedAt: worker.spawnedAt,
        readyAt: worker.readyAt,
        resumedAt: worker.resumedAt,
        requests: activity?.requests ?? worker.lastActivity?.requests ?? null,
        rss: policies.reloadOnRssBytes === undefined ? null : (processMemory(worker.pid)?.rss ?? null),
        answer: ask ? answer : { inflight: 0, current: null },
        previous,
      };
      const verdict = judgeWorker(policies, facts, now);
      if (verdict !== null) target.act(worker, verdict);
    });
  };
  return startPeriodicCheck(TICK_MS, tick, (err) => log.error({ err }, 'worker policy check failed'));
}
