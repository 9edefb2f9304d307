// What each benchmark part hands back to the runner: its markdown section and
// its rows of the targets table.

export interface TargetRow {
  readonly figure: string;
  readonly target: string;
  readonly measured: string;
  /** null: not measured in this run */
  readonly met: boolean | null;
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

/** met / MISSED / not measured */
export function verdict(met: boolean | null): string {
  return met === null ? 'not measured' : met ? 'met' : '**MISSED**';
}
