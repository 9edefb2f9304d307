// YAML and JSON share one layout: a top-level mapping whose `uwsgi` (or named)
// key holds the options. A list value repeats the key; null is a bare key.
import { UwError } from '../errors.js';
import { shown, type RawEntry } from './raw-entry.js';

/**
 * Entries of the wanted top-level keys in document order, or undefined when
 * none is present. Parsed documents carry no line numbers: an entry's
 * position is its place in its section.
 */
export function sectionEntries(doc: unknown, sections: readonly string[], file: string, included = false): RawEntry[] | undefined {
  if (!isMapping(doc)) {
    throw new UwError('UW_CONFIG_FORMAT', 'expected a mapping at the top level', { file });
  }
  let found = false;
  const entries: RawEntry[] = [];
  for (const [name, body] of Object.entries(doc)) {
    if (!sections.includes(name)) continue;
    found = true;
    if (body === null) continue;
    if (!isMapping(body)) {
      throw new UwError('UW_CONFIG_FORMAT', `expected "${name}" to hold a mapping of options`, { file });
    }
    for (const [place, [key, value]] of Object.entries(body).entries()) {
      const where = { file, key, position: `entry ${place + 1} of "${name}"`, ...(included && { included: true as const }) };
      for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
        entries.push({ ...where, value: scalar(item, where) });
      }
    }
  }
  return found ? entries : undefined;
}

function scalar(value: unknown, where: Omit<RawEntry, 'value'>): string | true {
  if (value === null) return true;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new UwError('UW_CONFIG_INVALID_VALUE', `option ${shown(where, where.key, 'key')}: expected a value or a list of values, got a nested ${Array.isArray(value) ? 'list' : 'mapping'}`, {
    file: where.file,
    key: where.included ? undefined : where.key,
  });
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
