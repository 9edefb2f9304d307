// A value read from etcd as a JSON object, for the records emperors write
// (members, status): anything else is null, never an exception.

/** `value` parsed, when it is a JSON object; null otherwise. */
export function jsonObject(value: string): Record<string, unknown> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return null;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
}
