// Config is validated once and then shared by reference; freezing it all the
// way down makes an accidental mutation throw instead of drifting silently.

/** Freeze `value` and every object or array inside it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
