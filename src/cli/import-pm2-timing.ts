// PM2's limits in milliseconds and bytes → uw's in seconds and megabytes:
// kill_timeout (SIGINT to SIGKILL) is both mercies, listen_timeout is when a
// worker that never listens counts as ready anyway, and max_memory_restart is
// reload-on-rss (whole megabytes, rounded up).
import type { IniEntry } from './import-pm2-ini.js';

/** a worker not ready within this long is killed (ready-timeout's default) */
const DEFAULT_READY_TIMEOUT_S = 30;

/** The entries and notes for kill_timeout, listen_timeout and max_memory_restart. */
export function timingEntries(attributes: ReadonlyMap<string, unknown>, kind: 'script' | 'exec'): { entries: IniEntry[]; notes: string[] } {
  const entries: IniEntry[] = [];
  const notes: string[] = [];
  const kill = milliseconds(attributes.get('kill_timeout'));
  if (kill === null) notes.push('kill_timeout: expected milliseconds: not translated');
  if (kill !== undefined && kill !== null) entries.push({ key: 'worker-reload-mercy', value: seconds(kill) }, { key: 'reload-mercy', value: seconds(kill) });
  const listen = milliseconds(attributes.get('listen_timeout'));
  if (listen === null) notes.push('listen_timeout: expected milliseconds: not translated');
  if (listen !== undefined && listen !== null) {
    entries.push({ key: kind === 'script' ? 'script-ready-after' : 'exec-ready-after', value: seconds(listen) });
    // past ready-timeout, the worker would be killed before it counts as ready
    if (listen >= DEFAULT_READY_TIMEOUT_S * 1000) entries.push({ key: 'ready-timeout', value: seconds(listen + DEFAULT_READY_TIMEOUT_S * 1000) });
  }
  const memory = attributes.get('max_memory_restart');
  if (memory !== undefined) {
    const bytes = byteSize(memory);
    if (bytes === undefined) notes.push('max_memory_restart: expected bytes or a size like 300M: not translated');
    else entries.push({ key: 'reload-on-rss', value: String(Math.max(1, Math.ceil(bytes / 2 ** 20))) });
  }
  return { entries, notes };
}

/** A count of milliseconds (a number, or digits as text); undefined when absent, null when not one. */
function milliseconds(value: unknown): number | undefined | null {
  if (value === undefined) return undefined;
  const ms = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : null;
}

/** Milliseconds as uw's seconds, to the millisecond, without an exponent. */
function seconds(ms: number): string {
  return (Math.round(ms) / 1000).toFixed(3).replace(/\.?0+$/, '');
}

const UNITS: Readonly<Record<string, number>> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 };

/** PM2's "sbyte": a number of bytes, or digits with K, M or G. */
function byteSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  const match = typeof value === 'string' ? /^(\d+)([KMG]?)$/.exec(value) : null;
  const unit = match === null ? undefined : UNITS[match[2] ?? ''];
  return match === null || unit === undefined ? undefined : Number(match[1]) * unit;
}
