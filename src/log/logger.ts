// The root pino logger: JSON lines (or the text format) on stdout or the
// vassal's log file, one per lifecycle event, and the workers' own output.
// Children bind the vassal name and worker id, so every line says whose it is.
import { pino, type Logger } from 'pino';
import type { LogDestination } from './log-destination.js';

export type { Logger };

/** Level from UW_LOG_LEVEL (default info); `base` fields are bound to every line; stdout (synchronous) without a destination. */
export function createLogger(base: Record<string, unknown>, destination?: LogDestination): Logger {
  const options = {
    level: process.env.UW_LOG_LEVEL ?? 'info',
    base: { pid: process.pid, ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/** The destination a logger (or its parent) writes to, when it is one of ours. */
export function destinationOf(log: Logger): LogDestination | undefined {
  const stream: unknown = (log as unknown as Record<symbol, unknown>)[pino.symbols.streamSym];
  return stream !== null && typeof stream === 'object' && 'backedUp' in stream ? (stream as LogDestination) : undefined;
}
