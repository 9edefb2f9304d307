// JSON via JSON.parse. V8 reports a character position, not a line, and may
// quote the source (newlines included): turn that into one line with the line
// and column, and never quote the text of an included file.
import { UwError } from '../errors.js';

/** The parsed document. */
export function parseJson(text: string, file: string, included = false): unknown {
  try {
    // JSON.parse refuses the byte-order mark some editors write
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (err) {
    throw new UwError('UW_CONFIG_SYNTAX', `JSON syntax error${describe(err, text.replace(/^\uFEFF/, ''), included)}`, { file });
  }
}

function describe(err: unknown, text: string, included: boolean): string {
  const message = err instanceof Error ? err.message : String(err);
  const position = /at position (\d+)/.exec(message)?.[1];
  // V8: `Unexpected token 'r', "root:x:0:0"... is not valid JSON`: everything after the comma is the source
  const reason = message
    .replace(/,\s*".*$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/\s+/g, ' ');
  const where = position === undefined ? '' : ` at ${lineAndColumn(text, Number(position))}`;
  if (included) return `${where} (an included file is never quoted)`;
  return `${where}: ${reason}`;
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}
