// ini the way uWSGI reads it: whole-line comments only, values taken literally.
// The `ini` package is not used: it cuts values at an inline `;` or `#`, which
// breaks `exec = sh -c "a; b"` and URLs, merges repeated keys out of order (so
// an include can no longer apply "at that point"), and reads a bare `key` the
// same as `key = true`.
import { UwError } from '../errors.js';
import type { RawEntry } from './raw-entry.js';

/**
 * The entries of the wanted sections, in file order, or undefined when none of
 * those sections appears. Keys outside them are ignored, as in uWSGI. An
 * `included` file's errors give a line number only, never its text.
 */
export function parseIni(text: string, sections: readonly string[], file: string, included = false): RawEntry[] | undefined {
  const entries: RawEntry[] = [];
  let found = false;
  let inWanted = false;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      if (!line.endsWith(']')) throw syntaxError(file, index, 'section header without a closing "]"');
      inWanted = sections.includes(line.slice(1, -1).trim());
      found ||= inWanted;
      continue;
    }
    const eq = line.indexOf('=');
    const key = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (key === '') throw syntaxError(file, index, included ? 'no key before "="' : `${JSON.stringify(line)} has no key before "="`);
    if (!inWanted) continue;
    const value = eq < 0 ? true : line.slice(eq + 1).trim();
    entries.push({ key, value, file, position: `line ${index + 1}`, ...(included && { included }) });
  }
  return found ? entries : undefined;
}

function syntaxError(file: string, index: number, what: string): UwError {
  return new UwError('UW_CONFIG_SYNTAX', `ini syntax error at line ${index + 1}: ${what}`, { file });
}
