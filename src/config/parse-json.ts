// JSON via JSON.parse. V8 reports a character position, not a line, and may
// quote the source (newlines included); turn that into one line with a line number.
import { UwError } from '../errors.js';

/** The parsed document. */
export function parseJson(text: string, file: string): unknown {
  try {
    // JSON.parse refuses the byte-order mark some editors write
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (err) {
    throw new UwError('UW_CONFIG_SYNTAX', `JSON syntax error${describe(err, text)}`, { file });
  }
}

function describe(err: unknown, text: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const position = /at position (\d+)/.exec(message);
  const reason = message
    .replace(/, ".*" is not valid JSON$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/\s+/g, ' ');
  if (position?.[1] === undefined) return `: ${reason}`;
  const line = text.slice(0, Number(position[1])).split('\n').length;
  return ` at line ${line}: ${reason}`;
}
