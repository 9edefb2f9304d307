// The one timer behind vassal-sos, vassal-sos-backlog and die-on-idle: once a
// second it asks the current module workers for their counters (one IPC
// message each, the same one statistics use) and reads the listen queues only
// when the backlog form is on, then feeds the pure checks.
import type { VassalConfig } from '../config/vassal-config.js';
import type { Logger } from '../log/logger.js';
import { IdleCheck } from './idle-check.js';
import { ListenQueueReader } from './listen-queue.js';
import type { HeldSocket } from './sockets.js';
import { startPeriodicCheck, type PeriodicCheck } from './periodic-check.js';
import { SosCheck, type SosRequest } from './sos-check.js';
import type { WorkerPool } from './worker-pool.js';

const TICK_MS = 1_000;
/** with die-on-idle alone, a check every idle/4 (1 to 5 s): an idle master exits within idle + idle/4, and a zerg's workers are not woken every second */
const IDLE_TICK_MAX_MS = 5_000;
/** a worker that does not answer within the tick counts as busy (a blocked event loop is) */
const ANSWER_MS = 900;

/** What the monitor reads from its master, and where it reports. */
export interface SosMonitorDeps {
  readonly config: VassalConfig;
  readonly pool: WorkerPool;
  readonly sockets: () => readonly HeldSocket[];
  readonly log: Logger;
  readonly onSos: (request: SosRequest) => void;
  readonly onIdle: (idleMs: number) => void;
}

function tickMs(config: VassalConfig): number {
  if (config.vassalSosMs !== undefined || config.vassalSosBacklog !== undefined || config.idleMs === undefined) return TICK_MS;
  return Math.min(IDLE_TICK_MAX_MS, Math.max(TICK_MS, Math.round(config.idleMs / 4)));
}

/** Started by a master whose config has vassal-sos, vassal-sos-backlog or idle; null otherwise. */
export function startSosMonitor(deps: SosMonitorDeps): { stop(): void } | null {
  const { config } = deps;
  if (config.vassalSosMs === undefined && config.vassalSosBacklog === undefined && config.idleMs === undefined) return null;
  const sos = new SosCheck({ busyMs: config.vassalSosMs, backlog: config.vassalSosBacklog });
  const idle = config.idleMs === undefined ? null : new IdleCheck(config.idleMs);
  const queues = new ListenQueueReader();
  const tick = async (check: PeriodicCheck): Promise<void> => {
    // the backlog form alone needs nothing from the workers; in cheaper mode, SOS only once every worker possible runs
    const ask = config.vassalSosMs !== undefined || idle !== null;
    const workers = ask ? deps.pool.current().filter((worker) => worker.readyAt !== null && worker.status !== 'exited') : [];
    const answers = await Promise.all(workers.map((worker) => worker.activity(ANSWER_MS)));
    if (check.stopped) return;
    const now = Date.now();
    const full = workers.length === config.processes;
    const allBusy = full && answers.every((answer) => answer === null || answer.inflight > 0) && answers.some((answer) => answer !== null);
    const backlog = config.vassalSosBacklog === undefined ? 0 : Math.max(0, ...queues.read(deps.sockets(), config.listenBacklog).map((q) => q.queue));
    const request = sos.sample({ now, allBusy, backlog });
    if (request !== null) deps.onSos(request);
    if (idle === null) return;
    const live = [...deps.pool.current(), ...deps.pool.others()];
    const requests = deps.pool.retired.requests + live.reduce((sum, worker) => sum + (worker.lastActivity?.requests ?? 0), 0);
    // a worker still starting (or a slot backing off) is not idleness: the count starts once all serve
    // cheaper mode: every active slot serving is all there is (a cheap slot is no worker starting)
    const serving = workers.length === deps.pool.counts().active;
    const inflight = answers.reduce((sum, answer) => sum + (answer?.inflight ?? 1), 0) + deps.pool.others().length + (serving ? 0 : 1);
    if (idle.sample({ now, requests, inflight })) {
      check.stop();
      deps.onIdle(config.idleMs ?? 0);
    }
  };
  return startPeriodicCheck(tickMs(config), tick, (err) => deps.log.error({ err }, 'load check failed'));
}
