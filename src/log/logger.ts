// The root pino logger: JSON lines on stdout, one per lifecycle event.
// Children bind the vassal name and worker id, so every line says whose it is.
import { pino, type Logger } from 'pino';

export type { Logger };

/** Level from UW_LOG_LEVEL (default info); `base` fields are bound to every line. */
export function createLogger(base: Record<string, unknown>): Logger {
  return pino({
    level: process.env.UW_LOG_LEVEL ?? 'info',
    base: { pid: process.pid, ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
