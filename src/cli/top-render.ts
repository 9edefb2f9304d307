// The screen of `uwemperor top` as plain lines with a style each, from the
// model alone: a totals title, a warning while the emperor cannot be read,
// the vassals busiest first (the selected one marked), the selected vassal's
// workers when asked, and the keys. Painting (ANSI) is top-paint's job.
import type { VassalStatsDocument } from '../stats/emperor-document.js';
import { cut, formatTable, type Column } from './format-table.js';
import { humanBytes, humanDuration, humanMicros, humanRate } from './format-units.js';
import { formatLs } from './ls-format.js';
import { lsRow } from './ls-rows.js';
import { workerKey } from './stats-rates.js';
import { topOrder, type TopModel } from './top-model.js';

/** How a line is painted. */
export type LineStyle = 'title' | 'problem' | 'header' | 'row' | 'selected' | 'worker' | 'help';

/** One line of the screen, before painting. */
export interface ScreenLine {
  readonly text: string;
  readonly style: LineStyle;
}

/** The keys, on the last line of the screen. */
export const TOP_HELP_LINE = 'j/k or arrows: select   Enter: workers   Esc: hide them   q: quit';
const MARK = '> ';
const WORKER_INDENT = '      ';

const WORKER_COLUMNS: readonly Column[] = [
  { header: 'WORKER', align: 'right' },
  { header: 'PID', align: 'right' },
  { header: 'STATUS', align: 'left' },
  { header: 'REQ/S', align: 'right' },
  { header: 'REQUESTS', align: 'right' },
  { header: 'EXC', align: 'right' },
  { header: 'AVG RT', align: 'right' },
  { header: 'RSS', align: 'right' },
  { header: 'RESPAWNS', align: 'right' },
  { header: 'CURRENT', align: 'left', flex: true },
];

/** The screen for a terminal of `width` x `height`; `nowMs` for ages. */
export function renderTop(model: TopModel, width: number, height: number, nowMs: number): ScreenLine[] {
  const head: ScreenLine[] = [{ text: titleOf(model), style: 'title' }];
  if (model.problem !== null) {
    const since = humanDuration(nowMs - (model.problemSince ?? nowMs));
    head.push({ text: `emperor unreachable for ${since}, retrying every second: ${model.problem}`, style: 'problem' });
  }
  const body = model.document === null ? [] : tableLines(model, width, nowMs);
  const room = Math.max(0, height - head.length - 1);
  const lines: ScreenLine[] = [...head, ...scrolled(body, room), { text: TOP_HELP_LINE, style: 'help' }];
  return lines.map((line) => ({ ...line, text: cut(line.text, width) }));
}

function titleOf(model: TopModel): string {
  const doc = model.document;
  if (doc === null) return `uwemperor top - ${model.where}`;
  const rows = doc.vassals.map((vassal) => lsRow(vassal));
  const rates = [...model.rates.vassals.values()];
  const rate = rates.length === 0 ? '-' : humanRate(rates.reduce((sum, r) => sum + r, 0));
  const ready = rows.filter((row) => row.state === 'ready').length;
  const workers = rows.reduce((sum, row) => sum + (row.workers_total ?? 0), 0);
  const requests = rows.reduce((sum, row) => sum + (row.requests ?? 0), 0);
  const rss = rows.reduce((sum, row) => sum + (row.rss_bytes ?? 0), 0);
  return `uwemperor top - emperor ${doc.pid} - ${rows.length} vassals (${ready} ready) - ${workers} workers - ${rate} req/s - ${requests} requests - RSS ${humanBytes(rss)}`;
}

/** The vassal table, the selected vassal's workers under its line when expanded. */
function tableLines(model: TopModel, width: number, nowMs: number): ScreenLine[] {
  const vassals = topOrder(model);
  const rows = vassals.map((vassal) => lsRow(vassal, model.rates));
  const [header, ...lines] = formatLs(rows, Math.max(0, width - MARK.length));
  if (vassals.length === 0) return [{ text: `no vassals (watching ${model.document?.emperor.join(' ') ?? ''})`, style: 'row' }];
  const out: ScreenLine[] = [{ text: `${' '.repeat(MARK.length)}${header ?? ''}`, style: 'header' }];
  vassals.forEach((vassal, i) => {
    const chosen = vassal.id === model.selected;
    out.push({ text: `${chosen ? MARK : ' '.repeat(MARK.length)}${lines[i] ?? ''}`, style: chosen ? 'selected' : 'row' });
    if (chosen && model.expanded) out.push(...workerLines(model, vassal, width, nowMs));
  });
  return out;
}

function workerLines(model: TopModel, vassal: VassalStatsDocument, width: number, nowMs: number): ScreenLine[] {
  if (vassal.stats === null) return [{ text: `${WORKER_INDENT}no figures: ${vassal.pid > 0 ? 'the master did not answer' : 'no master'}`, style: 'worker' }];
  const rows = vassal.stats.workers.map((worker) => [
    String(worker.id),
    worker.pid > 0 ? String(worker.pid) : '-',
    worker.status,
    humanRate(model.rates.workers.get(workerKey(vassal, worker)) ?? null),
    worker.counted ? String(worker.requests) : '-',
    worker.counted ? String(worker.exceptions) : '-',
    worker.counted && worker.requests > 0 ? humanMicros(worker.avg_rt) : '-',
    humanBytes(worker.rss),
    String(worker.respawn_count),
    worker.current_request === undefined ? '' : `${worker.current_request.request} for ${humanDuration(nowMs - worker.current_request.since_ms)}`,
  ]);
  return formatTable(WORKER_COLUMNS, rows, Math.max(0, width - WORKER_INDENT.length)).map((text) => ({ text: `${WORKER_INDENT}${text}`, style: 'worker' }));
}

/** The lines that fit in `room`, scrolled so that the selected vassal and its workers show; the header stays. */
function scrolled(body: readonly ScreenLine[], room: number): ScreenLine[] {
  if (body.length <= room) return [...body];
  const [header, ...rest] = body;
  if (header === undefined || room < 2) return body.slice(0, room);
  const selected = rest.findIndex((line) => line.style === 'selected');
  let end = selected;
  while (rest[end + 1]?.style === 'worker') end += 1;
  const start = Math.max(0, Math.min(selected, end - (room - 1) + 1));
  return [header, ...rest.slice(start, start + room - 1)];
}
