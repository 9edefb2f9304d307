// uWSGI's emperor protocol, emperor side: the single bytes a uWSGI master and
// its emperor exchange over the socketpair named by UWSGI_EMPEROR_FD (uWSGI's
// core/emperor.c gives them no names; these are ours). Pure: a byte from the
// master becomes one vassal event, or one thing the link does itself.
import type { VassalEvent } from './vassal-machine.js';

/** What the emperor writes: stop (uWSGI stops its workers at once), reload (graceful), graceful stop (requests in flight finish). */
export const EMPEROR_BYTE = { stop: 0, reload: 1, gracefulStop: 2 } as const;

/** What a master writes. */
export const VASSAL_BYTE = {
  /** the master runs and spawned its workers */
  spawned: 1,
  /** asks for its config over a second pipe (uWSGI's emperor:// configs; never used here) */
  configRequest: 2,
  /** its first worker accepts requests: ready (again after each reload, which re-executes the master) */
  accepting: 5,
  /** it served its first request */
  loyal: 17,
  /** it asks to be stopped (die-on-idle) */
  voluntaryShutdown: 22,
  /** alive (heartbeat = S in its config) */
  heartbeat: 26,
  /** asks for reinforcements (broodlord) */
  sos: 30,
} as const;

/** A master exiting with this code is not started again until its file changes (uWSGI's exile code). */
export const EXILE_EXIT_CODE = 26;

/** What the link does with one byte from the master. */
export type VassalByteAction =
  | { readonly kind: 'event'; readonly event: VassalEvent }
  /** the master asks to stop: it is told to, and its exit is no crash */
  | { readonly kind: 'idle' }
  | { readonly kind: 'sos' }
  /** logged only: nothing in the vassal's life changes */
  | { readonly kind: 'note'; readonly note: 'master spawned its workers' | 'master loyal (first request served)' | 'config request ignored' }
  | { readonly kind: 'unknown'; readonly byte: number };

/**
 * The meaning of `byte` for a master whose config sets `heartbeat` to `heartbeatMs`
 * (null: the emperor could not read it; a beat then only counts as alive, with no deadline).
 */
export function vassalByteAction(byte: number, heartbeatMs: number | null): VassalByteAction {
  switch (byte) {
    case VASSAL_BYTE.accepting:
      return { kind: 'event', event: { type: 'master-ready' } };
    case VASSAL_BYTE.heartbeat:
      return { kind: 'event', event: { type: 'master-heartbeat', everyMs: heartbeatMs ?? 0 } };
    case VASSAL_BYTE.voluntaryShutdown:
      return { kind: 'idle' };
    case VASSAL_BYTE.sos:
      return { kind: 'sos' };
    case VASSAL_BYTE.spawned:
      return { kind: 'note', note: 'master spawned its workers' };
    case VASSAL_BYTE.loyal:
      return { kind: 'note', note: 'master loyal (first request served)' };
    case VASSAL_BYTE.configRequest:
      return { kind: 'note', note: 'config request ignored' };
    default:
      return { kind: 'unknown', byte };
  }
}

/** The byte that stops a master: graceful unless the emperor is told otherwise (emperor-graceful-shutdown = false). */
export function stopByte(graceful: boolean): number {
  return graceful ? EMPEROR_BYTE.gracefulStop : EMPEROR_BYTE.stop;
}
