// The human form of `uwemperor stats`: the emperor's totals, then per vassal
// its master's figures, sockets and one line per worker.
import type { EmperorStatsDocument, VassalStatsDocument } from '../stats/emperor-document.js';
import type { MasterStatsDocument } from '../stats/master-document.js';
import { cut, formatTable, type Column } from './format-table.js';
import { humanBytes, humanDuration, humanMicros } from './format-units.js';
import { countsRequests, lsRow, lsRows } from './ls-rows.js';

const WORKER_COLUMNS: readonly Column[] = [
  { header: 'WORKER', align: 'right' },
  { header: 'PID', align: 'right' },
  { header: 'STATE', align: 'left' },
  { header: 'STATUS', align: 'left' },
  { header: 'REQUESTS', align: 'right' },
  { header: 'EXC', align: 'right' },
  { header: 'AVG RT', align: 'right' },
  { header: 'RSS', align: 'right' },
  { header: 'RESPAWNS', align: 'right' },
  { header: 'UP', align: 'right' },
  { header: 'CURRENT', align: 'left', flex: true },
];

/** The summary's lines; `width` null: no limit; `nowMs` for ages. */
export function formatStatsSummary(document: EmperorStatsDocument, width: number | null, nowMs: number): string[] {
  const fit = (line: string): string => (width === null ? line : cut(line, width));
  const lines = [fit(emperorSummaryLine(document))];
  if (document.blacklist.length > 0) lines.push(fit(`blacklist: ${document.blacklist.map((entry) => entry.id).join(', ')}`));
  for (const vassal of document.vassals) {
    lines.push('', fit(vassalLine(vassal)));
    if (vassal.stats !== null) lines.push(...masterLines(vassal.stats, width, nowMs));
  }
  return lines;
}

/** Which emperor answered and its totals: `stats`' first line, and `ls`'s on a terminal. */
export function emperorSummaryLine(document: EmperorStatsDocument): string {
  const rows = lsRows(document);
  const ready = rows.filter((row) => row.state === 'ready').length;
  const requests = rows.reduce((sum, row) => sum + (row.requests ?? 0), 0);
  const rss = rows.reduce((sum, row) => sum + (row.rss_bytes ?? 0), 0);
  const vassals = `${rows.length} vassal${rows.length === 1 ? '' : 's'}`;
  return `emperor pid ${document.pid} (uwemperor ${document.version}) watching ${document.emperor.join(' ')}: ${vassals}, ${ready} ready, ${requests} requests, RSS ${humanBytes(rss)}`;
}

function vassalLine(vassal: VassalStatsDocument): string {
  const row = lsRow(vassal);
  const parts = [vassal.id, vassal.state];
  if (vassal.pid > 0) parts.push(`master ${vassal.pid}`, `up ${humanDuration(vassal.uptime_ms)}`);
  if (vassal.stats !== null) {
    const stats = vassal.stats;
    const counted = countsRequests(stats);
    parts.push(`generation ${stats.generation}`, `requests ${counted ? stats.total_requests : '-'}`, `exceptions ${counted ? stats.total_exceptions : '-'}`, `listen queue ${stats.listen_queue}`);
    parts.push(`RSS ${humanBytes(row.rss_bytes)} (master ${humanBytes(stats.master_rss)})`);
    if (stats.paused) parts.push('paused');
  }
  parts.push(`restarts ${vassal.respawns}`);
  if (vassal.retry_in_ms !== null) parts.push(`retry in ${humanDuration(vassal.retry_in_ms)}`);
  if (row.error !== null) parts.push(`error: ${row.error}`);
  return parts.join('  ');
}

function masterLines(stats: MasterStatsDocument, width: number | null, nowMs: number): string[] {
  const inner = width === null ? null : Math.max(0, width - 2);
  const sockets = stats.sockets.map((socket) => `${socket.name} (${socket.proto}, queue ${socket.queue}/${socket.max_queue})`).join(', ');
  const rows = stats.workers.map((worker) => [
    String(worker.id),
    worker.pid > 0 ? String(worker.pid) : '-',
    worker.state,
    worker.status,
    worker.counted ? String(worker.requests) : '-',
    worker.counted ? String(worker.exceptions) : '-',
    worker.counted && worker.requests > 0 ? humanMicros(worker.avg_rt) : '-',
    humanBytes(worker.rss),
    String(worker.respawn_count),
    worker.pid > 0 && worker.last_spawn > 0 ? humanDuration(nowMs - worker.last_spawn * 1000) : '-',
    worker.current_request === undefined ? '' : `${worker.current_request.request} for ${humanDuration(nowMs - worker.current_request.since_ms)}`,
  ]);
  const lines = sockets === '' ? [] : [`sockets: ${sockets}`];
  lines.push(...formatTable(WORKER_COLUMNS, rows, inner));
  return lines.map((line) => (inner === null ? `  ${line}` : `  ${cut(line, inner)}`));
}
