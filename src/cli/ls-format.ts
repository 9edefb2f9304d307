// The table `uwemperor ls` prints: one line per vassal, figures in human
// units, the last error cut to the terminal's width.
import type { EmperorStatsDocument } from '../stats/emperor-document.js';
import { cut, formatTable, type Column } from './format-table.js';
import { humanBytes, humanDuration, humanRate } from './format-units.js';
import type { LsRow } from './ls-rows.js';
import { printTable, type StatsOutput } from './stats-output.js';
import { emperorSummaryLine } from './stats-summary.js';

/** A column of the table and how a row fills it (`ls --cluster` puts its HOST column before these). */
export type LsColumn = Column & { readonly cell: (row: LsRow) => string; readonly rate?: true };

/** The columns of `uwemperor ls`, in order. */
export const LS_COLUMNS: readonly LsColumn[] = [
  { header: 'VASSAL', align: 'left', max: 32, cell: (row) => row.vassal },
  { header: 'STATE', align: 'left', cell: (row) => (row.retry_in_ms === null ? row.state : `${row.state} ${humanDuration(row.retry_in_ms)}`) },
  { header: 'PID', align: 'right', cell: (row) => (row.pid === null ? '-' : String(row.pid)) },
  { header: 'UPTIME', align: 'right', cell: (row) => humanDuration(row.uptime_ms) },
  { header: 'WORKERS', align: 'right', cell: (row) => (row.workers_total === null ? '-' : `${row.workers_ready ?? 0}/${row.workers_total}`) },
  { header: 'REQUESTS', align: 'right', cell: (row) => (row.requests === null ? '-' : String(row.requests)) },
  { header: 'REQ/S', align: 'right', rate: true, cell: (row) => humanRate(row.req_per_s ?? null) },
  { header: 'RSS', align: 'right', cell: (row) => humanBytes(row.rss_bytes) },
  { header: 'RESTARTS', align: 'right', cell: (row) => String(row.restarts) },
  { header: 'LAST ERROR', align: 'left', flex: true, cell: (row) => shortError(row) },
];

/** The last error without the vassal file's path the VASSAL column already shows (an include chain stays). */
function shortError(row: LsRow): string {
  const error = row.error ?? '';
  const [prefix, file] = /^config error in (.+?): /.exec(error) ?? [];
  if (prefix === undefined || file === undefined || (file !== row.vassal && !file.endsWith(`/${row.vassal}`))) return error;
  return `config error: ${error.slice(prefix.length)}`;
}

/** The table's lines; REQ/S only when the rows were measured (`ls --rate`). `width` null: no limit. */
export function formatLs(rows: readonly LsRow[], width: number | null): string[] {
  const measured = rows.some((row) => row.req_per_s !== undefined);
  const columns = LS_COLUMNS.filter((column) => column.rate !== true || measured);
  if (rows.length === 0) return ['no vassals'];
  return formatTable(columns, rows.map((row) => columns.map((column) => column.cell(row))), width);
}

/**
 * Print `ls`'s table; on a terminal, first the emperor that answered (its pid and what it
 * watches): an emperor started while another holds the default control socket runs without
 * one, and `ls` without --control reads the other; the line shows which at a glance.
 */
export function printLs(out: StatsOutput, document: EmperorStatsDocument, rows: readonly LsRow[]): void {
  if (out.tty) {
    const emperor = emperorSummaryLine(document);
    out.write(`${out.columns === null ? emperor : cut(emperor, out.columns)}\n`);
  }
  printTable(out, formatLs(rows, out.columns));
}
