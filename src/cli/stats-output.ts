// How the three stats commands write: to a terminal, lines fit its width and
// the header is bold; to a pipe or file, plain text with no width limit.

/** Where a command's lines go; `columns` null for no width limit. */
export interface StatsOutput {
  readonly columns: number | null;
  readonly tty: boolean;
  write(text: string): void;
}

/** process.stdout as a StatsOutput. */
export function stdoutOutput(): StatsOutput {
  const tty = process.stdout.isTTY;
  return {
    columns: tty && process.stdout.columns > 0 ? process.stdout.columns : null,
    tty,
    write: (text) => process.stdout.write(text),
  };
}

/** Lines with the first one (the header) bold on a terminal. */
export function printTable(out: StatsOutput, lines: readonly string[]): void {
  const [header, ...rest] = lines;
  if (header === undefined) return;
  out.write(`${out.tty ? `\x1b[1m${header}\x1b[0m` : header}\n${rest.map((line) => `${line}\n`).join('')}`);
}
