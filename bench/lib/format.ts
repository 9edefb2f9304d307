// Number formatting and markdown tables for RESULTS.md.

/** "12.3" style: `digits` decimals, "n/a" for NaN or undefined. */
export function fmt(value: number | undefined, digits = 1): string {
  return value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);
}

/** Integer with thousands separators. */
export function int(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? 'n/a' : Math.round(value).toLocaleString('en-US');
}

/** kB → MiB with one decimal. */
export function mib(kb: number | undefined): string {
  return kb === undefined ? 'n/a' : fmt(kb / 1024, 1);
}

/** "1.23x" ratio. */
export function ratio(a: number, b: number): string {
  return b === 0 || !Number.isFinite(a / b) ? 'n/a' : `${(a / b).toFixed(2)}x`;
}

/** A markdown table. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
