// Human figures for the terminal views (ls, stats, top): durations the way pm2
// shows them (5s, 3m, 2h, 4d) and sizes in binary units (45.2 MiB).

/** A duration in milliseconds as one unit, rounded down: "5s", "3m", "2h", "4d"; "-" for none. */
export function humanDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '-';
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/** Bytes as "512 B", "45.2 MiB"; "-" for none. */
export function humanBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes) || bytes < 0) return '-';
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** A rate as "0", "3.5", "120" (one decimal below 100); "-" when it was not measured. */
export function humanRate(perSecond: number | null): string {
  if (perSecond === null || !Number.isFinite(perSecond)) return '-';
  if (perSecond === 0) return '0';
  return perSecond < 100 ? perSecond.toFixed(1) : String(Math.round(perSecond));
}

/** Microseconds as "850us", "12.3ms", "1.2s"; "-" for none. */
export function humanMicros(us: number | null): string {
  if (us === null || !Number.isFinite(us) || us < 0) return '-';
  if (us < 1000) return `${Math.round(us)}us`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(1)}ms`;
  return `${(us / 1_000_000).toFixed(1)}s`;
}
