// uWSGI's emperor protocol seen from the vassal's side: single bytes over the
// socketpair a uWSGI Emperor passes as UWSGI_EMPEROR_FD (core/emperor.c). What a
// byte from the Emperor asks of the master, and which bytes the master's own
// events become. Pure: uwsgi-emperor-link.ts does the I/O.
import type { MasterToEmperor } from '../ipc/protocol.js';
import type { MasterCommand } from './signals.js';

/** Bytes a uWSGI Emperor sends its vassal. */
export const FROM_EMPEROR = {
  /** the file was removed (or the Emperor is stopping): uWSGI 2.0 kills its workers at once */
  stop: 0,
  /** the file was touched: a graceful reload */
  reload: 1,
  /** as stop, with emperor-graceful-shutdown: in-flight requests finish */
  gracefulStop: 2,
} as const;

/** Bytes a vassal sends its uWSGI Emperor. */
export const TO_EMPEROR = {
  /** the master is up, its sockets bound (again after each reload) */
  ready: 1,
  /** the workers accept connections */
  accepting: 5,
  /** a first request was served: the Emperor no longer throttles this vassal's restarts */
  loyal: 17,
  /** a voluntary shutdown (die-on-idle): the Emperor answers with its stop byte */
  leaving: 22,
  heartbeat: 26,
  /** broodlord: reinforcements wanted */
  sos: 30,
} as const;

/**
 * The master command a byte from the Emperor means, or null for a byte it does
 * not define. Both stops are uw's graceful stop (its SIGINT): in-flight
 * requests finish within reload-mercy, as nothing is dropped on a stop here.
 */
export function commandForByte(byte: number): MasterCommand | null {
  if (byte === FROM_EMPEROR.reload) return 'reload';
  if (byte === FROM_EMPEROR.stop || byte === FROM_EMPEROR.gracefulStop) return 'stop';
  return null;
}

/** What the vassal has told its Emperor that later bytes depend on. */
export interface EmperorReport {
  /** every worker has been ready once: after a failed reload the old ones still accept */
  readonly accepting: boolean;
}

export const FIRST_REPORT: EmperorReport = { accepting: false };

/**
 * The bytes `message` becomes, and the report after it. Most of the master's
 * messages have no byte in uWSGI's protocol (statistics, sockets, pause): none
 * is sent for them, on purpose.
 */
export function bytesFor(message: MasterToEmperor, report: EmperorReport): { bytes: number[]; report: EmperorReport } {
  switch (message.type) {
    case 'master-started':
      return { bytes: [TO_EMPEROR.ready], report };
    case 'master-ready':
      return { bytes: [TO_EMPEROR.accepting], report: { accepting: true } };
    case 'master-reloaded':
      // uWSGI re-executes on a reload and says 1, then 5 again: the Emperor reset both when it asked
      return { bytes: message.ok || report.accepting ? [TO_EMPEROR.ready, TO_EMPEROR.accepting] : [TO_EMPEROR.ready], report };
    case 'master-heartbeat':
      return { bytes: message.everyMs > 0 ? [TO_EMPEROR.heartbeat] : [], report };
    case 'master-sos':
      return { bytes: [TO_EMPEROR.sos], report };
    case 'master-idle':
      return { bytes: [TO_EMPEROR.leaving], report };
    default:
      return { bytes: [], report };
  }
}

/**
 * uWSGI's rule for byte 17, a worker has ended its first request, as far as
 * the master can see it: a Node worker counts its requests; an exec worker's
 * are invisible to the master, so its vassal is loyal once its workers are ready.
 */
export function isLoyal(facts: { readonly countsRequests: boolean; readonly requestsServed: number }): boolean {
  return !facts.countsRequests || facts.requestsServed > 0;
}
