// What each benchmark part hands back to the runner: its markdown section and
// its rows of the targets table.

export interface TargetRow {
  readonly figure: string;
  readonly target: string;
  readonly measured: string;
  /** null: not measured in this run */
  readonly met: boolean | null;
  /** measured apart, in this results file (the row carries no figure of its own) */
  readonly elsewhere?: string;
}

export interface PartReport {
  readonly title: string;
  readonly markdown: string;
  readonly targets: readonly TargetRow[];
}

export interface BenchOptions {
  readonly quick: boolean;
  /** progress on stderr */
  readonly progress: (message: string) => void;
}

/** met / MISSED / not measured / in the file that has it */
export function verdict(row: Pick<TargetRow, 'met' | 'elsewhere'>): string {
  if (row.elsewhere !== undefined) return `see ${row.elsewhere}`;
  return row.met === null ? 'not measured' : row.met ? 'met' : '**MISSED**';
}
