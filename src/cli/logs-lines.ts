// The lines `uwemperor logs` prints: records of a shared file kept by vassal,
// several files interleaved by their records' time, and each line shown
// raw (JSON, piped) or in the text format with control characters made
// visible (an app's output must not drive the operator's terminal).
import { formatText } from '../log/text-format.js';
import type { LineFilter } from './logs-tail.js';
import { terminalSafe } from './terminal-safe.js';

/** Every line (null), or only the records of `vassals`. */
export function vassalFilter(vassals: ReadonlySet<string> | null): LineFilter {
  if (vassals === null) return () => true;
  return (line) => {
    const vassal = field(line, 'vassal');
    return typeof vassal === 'string' && vassals.has(vassal);
  };
}

/** Lines of several files, oldest first by their `time`; a line without one keeps its place after its file's previous line. */
export function interleave(files: readonly (readonly string[])[]): string[] {
  if (files.length === 1) return [...(files[0] ?? [])];
  const keyed: { key: string; file: number; index: number; line: string }[] = [];
  files.forEach((lines, file) => {
    let key = '';
    lines.forEach((line, index) => {
      const time = field(line, 'time');
      if (typeof time === 'string') key = time;
      keyed.push({ key, file, index, line });
    });
  });
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.file - b.file || a.index - b.index));
  return keyed.map((entry) => entry.line);
}

/** One line as printed: raw with its break, or the text format made safe for a terminal. */
export function printable(line: string, pretty: boolean): string {
  if (!pretty) return `${line}\n`;
  return `${terminalSafe(formatText(line).trimEnd())}\n`;
}

/** A top-level field of a JSON record, undefined for a line that is not one. */
function field(line: string, key: string): unknown {
  if (!line.startsWith('{')) return undefined;
  try {
    const record = JSON.parse(line) as unknown;
    return record !== null && typeof record === 'object' ? (record as Record<string, unknown>)[key] : undefined;
  } catch {
    return undefined;
  }
}
