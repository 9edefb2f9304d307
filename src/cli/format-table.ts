// Plain-text tables for the terminal views: columns sized to their contents,
// one flexible column cut to fit the terminal's width, and every line cut at
// the width as a last resort, so nothing ever wraps.

/** One column: its header, its alignment, and how it may shrink. */
export interface Column {
  readonly header: string;
  readonly align: 'left' | 'right';
  /** cells longer than this are cut (with "…") */
  readonly max?: number;
  /** this column gives up its width first when the table is too wide */
  readonly flex?: boolean;
}

const GAP = '  ';
/** A flexible column keeps at least this many characters (or its header's). */
const FLEX_MIN = 10;

/** Cut `text` to `width` characters, ending with "…" when anything was cut. */
export function cut(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 0) return '';
  return `${chars.slice(0, width - 1).join('')}…`;
}

const length = (text: string): number => [...text].length;

function pad(text: string, width: number, align: Column['align'], last: boolean): string {
  const room = ' '.repeat(Math.max(0, width - length(text)));
  if (align === 'right') return room + text;
  return last ? text : text + room;
}

/** The header line then one line per row; `width` null means no limit. */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[], width: number | null): string[] {
  const widths = columns.map((column, i) => {
    const widest = Math.max(length(column.header), ...rows.map((row) => length(row[i] ?? '')));
    return column.max === undefined ? widest : Math.min(widest, Math.max(column.max, length(column.header)));
  });
  if (width !== null) shrinkFlexible(columns, widths, width);
  const line = (cells: readonly string[]): string => {
    const text = columns.map((column, i) => pad(cut(cells[i] ?? '', widths[i] ?? 0), widths[i] ?? 0, column.align, i === columns.length - 1)).join(GAP);
    const trimmed = text.trimEnd();
    return width === null ? trimmed : cut(trimmed, width);
  };
  return [line(columns.map((column) => column.header)), ...rows.map(line)];
}

/** Take the excess from the flexible column, down to its minimum. */
function shrinkFlexible(columns: readonly Column[], widths: number[], width: number): void {
  const total = widths.reduce((sum, w) => sum + w, 0) + GAP.length * (columns.length - 1);
  const flex = columns.findIndex((column) => column.flex === true);
  const current = widths[flex];
  if (total <= width || flex < 0 || current === undefined) return;
  const floor = Math.min(current, Math.max(FLEX_MIN, length(columns[flex]?.header ?? '')));
  widths[flex] = Math.max(floor, current - (total - width));
}
