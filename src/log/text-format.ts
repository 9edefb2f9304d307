// The human format (log-format = text, and the emperor's default on a terminal):
// one line per record, `time level [who] message key=value ...`, so that a
// worker's own line reads as it printed it, prefixed by whose it is.

/** Fields shown in the prefix (or not at all), not as key=value. */
const PREFIX_KEYS = new Set(['time', 'level', 'pid', 'hostname', 'msg', 'name', 'vassal', 'worker', 'workerPid', 'generation', 'stream']);

/** One JSON record (a pino line) as one human line; a line that is not JSON is kept as it is. */
export function formatText(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  if (record === null || typeof record !== 'object') return `${json.trimEnd()}\n`;
  const time = typeof record.time === 'string' ? record.time.slice(11, 23) : '';
  const level = text(record.level).toUpperCase().padEnd(5);
  const extra = Object.entries(record)
    .filter(([key]) => !PREFIX_KEYS.has(key))
    .map(([key, value]) => `${key}=${text(value)}`);
  const message = text(record.msg);
  return `${time} ${level} [${who(record)}] ${message}${extra.length > 0 ? ` ${extra.join(' ')}` : ''}\n`;
}

/** `vassal`, `vassal/w2`, `vassal/w2 err`: whose line it is. */
function who(record: Record<string, unknown>): string {
  const name = text(record.vassal ?? record.name ?? record.pid);
  const worker = record.worker === undefined ? '' : `/w${text(record.worker)}`;
  const stream = record.stream === 'stderr' ? ' err' : record.stream === 'stdout' ? ' out' : '';
  return `${name}${worker}${stream}`;
}

/** A field as text: strings as they are, anything else as JSON, absent as ''. */
function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
