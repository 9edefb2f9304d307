// Checking what an untrusted process sent before anything of it is used: every
// field's type and bounds (finite numbers, string lengths, list lengths), and a
// fresh object holding only the declared fields, so nothing undeclared (a huge
// extra field, a `__proto__` key) travels further. Pure; a failure is a
// ShapeError naming the field, e.g. "stats.workers[3].rss: expected a finite
// number from 0, got string".

/** What was wrong, and where. */
export class ShapeError extends Error {}

/** Checks `value` (found at `at`) and returns the copy to use; throws ShapeError. */
export type Shape<T> = (value: unknown, at: string) => T;

const fail = (at: string, expected: string, value: unknown): never => {
  throw new ShapeError(`${at}: expected ${expected}, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
};

/** A number in [min, max] (finite); integers only when `integer`. */
export function numberIn(min: number, max: number, integer = false): Shape<number> {
  const expected = `${integer ? 'an integer' : 'a finite number'} from ${min} to ${max}`;
  return (value, at) => (typeof value === 'number' && value >= min && value <= max && (!integer || Number.isInteger(value)) ? value : fail(at, expected, value));
}

/** A count, an id or a size: an integer from 0 up to 2^53 - 1. */
export const count: Shape<number> = numberIn(0, Number.MAX_SAFE_INTEGER, true);

/** A measure (bytes, microseconds, a counter): a finite number from 0 up to 2^53 - 1. */
export const amount: Shape<number> = numberIn(0, Number.MAX_SAFE_INTEGER);

/** A string of at most `max` characters. */
export function text(max: number): Shape<string> {
  return (value, at) => (typeof value === 'string' && value.length <= max ? value : fail(at, `a string of at most ${max} characters`, value));
}

/** Free text (an error message): anything longer than `max` is cut, not refused, so the event still counts. */
export function clipped(max: number): Shape<string> {
  return (value, at) => (typeof value === 'string' ? value.slice(0, max) : fail(at, 'a string', value));
}

export const flag: Shape<boolean> = (value, at) => (typeof value === 'boolean' ? value : fail(at, 'true or false', value));

/** One of the listed values. */
export function oneOf<T extends string | number>(...values: readonly T[]): Shape<T> {
  return (value, at) => (values.includes(value as T) ? (value as T) : fail(at, `one of ${values.join(', ')}`, value));
}

/** A list of at most `max` items, each checked. */
export function listOf<T>(item: Shape<T>, max: number): Shape<T[]> {
  return (value, at) => {
    if (!Array.isArray(value) || value.length > max) return fail(at, `a list of at most ${max} items`, value);
    return value.map((entry, index) => item(entry, `${at}[${index}]`));
  };
}

/** Whatever was sent, replaced by `constant` (a field the receiver never reads, such as uWSGI's empty `locks`). */
export function ignored<T>(constant: () => T): Shape<T> {
  return () => constant();
}

/** A field that may be absent (undefined). */
export interface Optional<T> {
  readonly optional: Shape<T>;
}

/** Mark a field of `record` as optional. */
export function optional<T>(shape: Shape<T>): Optional<T> {
  return { optional: shape };
}

type Field = Shape<unknown> | Optional<unknown>;

/** An object with exactly these fields checked and copied; others are dropped; an absent optional field stays absent. */
export function record(fields: Readonly<Record<string, Field>>): Shape<Record<string, unknown>> {
  return (value, at) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(at, 'an object', value);
    const source = value as Record<string, unknown>;
    const copy: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(fields)) {
      const present = Object.hasOwn(source, key) && source[key] !== undefined;
      if (typeof field !== 'function') {
        if (present) copy[key] = field.optional(source[key], `${at}.${key}`);
      } else copy[key] = field(present ? source[key] : undefined, `${at}.${key}`);
    }
    return copy;
  };
}
