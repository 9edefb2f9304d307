// The table `uwemperor ls --cluster` prints: `uwemperor ls`'s columns with the
// host first and the age of each record last, then one line naming the members.
import { formatTable, type Column } from './format-table.js';
import { humanDuration } from './format-units.js';
import type { ClusterRow } from './ls-cluster-rows.js';
import { LS_COLUMNS } from './ls-format.js';
import { terminalSafe } from './terminal-safe.js';

type ClusterColumn = Column & { readonly cell: (row: ClusterRow) => string };

const COLUMNS: readonly ClusterColumn[] = [
  { header: 'HOST', align: 'left', max: 32, cell: (row) => row.host },
  ...LS_COLUMNS.filter((column) => column.rate !== true && column.header !== 'LAST ERROR'),
  { header: 'UPDATED', align: 'right', cell: (row) => `${humanDuration(row.updated_ms_ago)} ago` },
  ...LS_COLUMNS.filter((column) => column.header === 'LAST ERROR'),
];

/** The table's lines and the members line. `width` null: no limit. */
export function formatClusterLs(rows: readonly ClusterRow[], members: readonly string[], width: number | null): string[] {
  const table = rows.length === 0 ? ['no vassals'] : formatTable(COLUMNS, rows.map((row) => COLUMNS.map((column) => terminalSafe(column.cell(row)))), width);
  return [...table, terminalSafe(`${members.length} member${members.length === 1 ? '' : 's'}: ${members.length === 0 ? '-' : members.join(', ')}`)];
}
