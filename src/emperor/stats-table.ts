// What SIGUSR1 on the emperor logs: one line per vassal (state, master pid,
// workers ready/total, requests, requests/s since the previous look, RSS of
// master + workers, respawns, listen queue), then a totals line. A vassal
// whose master did not answer is listed with `answered: false` and
// `stats: "no answer"` (or "no master" when none runs), never left out.
import type { EmperorStatsDocument, VassalStatsDocument } from '../stats/emperor-document.js';

/** One log line: a fixed message and its fields. */
export interface StatusLine {
  readonly msg: 'vassal status' | 'emperor status';
  readonly fields: Record<string, unknown>;
}

interface Look {
  readonly pid: number;
  readonly requests: number;
  readonly atMs: number;
}

interface Figures {
  readonly workersReady: number;
  readonly workersTotal: number;
  readonly requests: number;
  readonly rssBytes: number;
  readonly workerRespawns: number;
  readonly listenQueue: number;
}

/** Remembers the previous look at each vassal, for requests/s. */
export class StatusTable {
  private previous = new Map<string, Look>();

  /** The lines for `doc`, then the totals; rates count from the previous call. */
  lines(doc: EmperorStatsDocument): StatusLine[] {
    const atMs = doc.collected_ms;
    const looks = new Map<string, Look>();
    const lines = doc.vassals.map((vassal): StatusLine => {
      const figures = figuresOf(vassal);
      if (figures === null) return { msg: 'vassal status', fields: { ...common(vassal), stats: vassal.pid === 0 ? 'no master' : 'no answer' } };
      const look = { pid: vassal.pid, requests: figures.requests, atMs };
      looks.set(vassal.id, look);
      const requestsPerSec = rate(this.previous.get(vassal.id), look);
      return { msg: 'vassal status', fields: { ...common(vassal), ...figures, workers: `${figures.workersReady}/${figures.workersTotal}`, requestsPerSec } };
    });
    this.previous = looks;
    return [...lines, totals(doc, lines)];
  }
}

function common(vassal: VassalStatsDocument): Record<string, unknown> {
  const { id, state, pid, uptime_ms: uptimeMs, failures, error, reload_failed: reloadFailed, respawns, retry_in_ms: retryInMs, answered } = vassal;
  return { vassal: id, state, masterPid: pid === 0 ? null : pid, uptimeMs, failures, error, reloadFailed, respawns, retryInMs, answered };
}

function figuresOf(vassal: VassalStatsDocument): Figures | null {
  const stats = vassal.stats;
  if (stats === null) return null;
  type Worker = (typeof stats.workers)[number];
  const sum = (workers: readonly Worker[], pick: (worker: Worker) => number): number => workers.reduce((total, worker) => total + pick(worker), 0);
  // workers of the current generation; during a reload the next one is still starting, the last one draining
  const current = stats.workers.filter((worker) => worker.generation === stats.generation);
  return {
    workersReady: sum(current, (worker) => worker.accepting),
    workersTotal: current.length,
    requests: stats.total_requests,
    // every process of the vassal, draining workers included
    rssBytes: stats.master_rss + sum(stats.workers, (worker) => worker.rss),
    workerRespawns: sum(current, (worker) => worker.respawn_count),
    listenQueue: stats.listen_queue,
  };
}

/** Requests per second between two looks at the same master; null on the first look or a new master. */
function rate(before: Look | undefined, now: Look): number | null {
  if (before === undefined || before.pid !== now.pid || now.atMs <= before.atMs || now.requests < before.requests) return null;
  return Math.round(((now.requests - before.requests) * 10_000) / (now.atMs - before.atMs)) / 10;
}

function totals(doc: EmperorStatsDocument, lines: readonly StatusLine[]): StatusLine {
  const states: Record<string, number> = {};
  for (const vassal of doc.vassals) states[vassal.state] = (states[vassal.state] ?? 0) + 1;
  const sum = (key: string): number => lines.reduce((total, line) => total + (typeof line.fields[key] === 'number' ? line.fields[key] : 0), 0);
  const ready = sum('workersReady');
  const total = sum('workersTotal');
  const noAnswer = doc.vassals.filter((vassal) => !vassal.answered && vassal.pid !== 0).map((vassal) => vassal.id);
  const fields = {
    vassals: doc.vassals.length,
    states,
    answered: doc.vassals.filter((vassal) => vassal.answered).length,
    noAnswer,
    workers: `${ready}/${total}`,
    requests: sum('requests'),
    requestsPerSec: Math.round(sum('requestsPerSec') * 10) / 10,
    rssBytes: sum('rssBytes'),
    respawns: sum('respawns'),
    workerRespawns: sum('workerRespawns'),
    listenQueue: sum('listenQueue'),
  };
  return { msg: 'emperor status', fields };
}
