// The heartbeat rows of the vassal machine (pure). A master with `heartbeat = S`
// beats every S; silent for 2xS it gets SIGHUP (a reload it performs once it
// runs again), silent for 2xS more it gets SIGKILL and the exit restarts it.
// Watching starts with the first beat (as uWSGI's emperor) and ends with the
// master: a stopping, exited or never-spawned master is not watched.
import type { Effect, Step, VassalEvent, VassalRecord } from './vassal-machine.js';

/** What the machine knows of a master's heartbeat: its period, and the deadlines already missed. */
export interface HeartbeatState {
  readonly everyMs: number;
  /** 0: beating; 1: silent for 2xS, SIGHUP sent */
  readonly missed: 0 | 1;
}

/** Silence longer than this many periods is a missed deadline. */
export const MISSED_PERIODS = 2;

const seconds = (ms: number): string => `${ms / 1000} s`;

/** A beat: (re)arm the deadline, or stop watching when the master turned its heartbeat off. */
export function beat(record: VassalRecord, event: Extract<VassalEvent, { type: 'master-heartbeat' }>): Step {
  if (event.everyMs <= 0) return { record: { ...record, heartbeat: undefined }, effects: [{ type: 'unwatch-heartbeat' }], reason: 'heartbeat off' };
  const heartbeat: HeartbeatState = { everyMs: event.everyMs, missed: 0 };
  return { record: { ...record, heartbeat }, effects: [{ type: 'watch-heartbeat', delayMs: MISSED_PERIODS * event.everyMs }], reason: 'heartbeat' };
}

/** A deadline passed without a beat: first SIGHUP, then SIGKILL (its exit restarts it like any crash). */
export function missed(record: VassalRecord): Step | null {
  const heartbeat = record.heartbeat;
  if (heartbeat === undefined || record.pid === null) return null;
  const silentMs = MISSED_PERIODS * heartbeat.everyMs * (heartbeat.missed + 1);
  if (heartbeat.missed === 0) {
    const why = `no heartbeat for ${seconds(silentMs)} (heartbeat = ${seconds(heartbeat.everyMs)}): reloading`;
    const effects: Effect[] = [{ type: 'signal', signal: 'SIGHUP', why }, { type: 'watch-heartbeat', delayMs: MISSED_PERIODS * heartbeat.everyMs }];
    return { record: { ...record, heartbeat: { ...heartbeat, missed: 1 } }, effects, reason: why };
  }
  const error = `no heartbeat for ${seconds(silentMs)} (heartbeat = ${seconds(heartbeat.everyMs)}): killed`;
  return { record: { ...record, heartbeat: undefined, error }, effects: [{ type: 'signal', signal: 'SIGKILL', why: error }], reason: error };
}

/** After any step: a master that is gone or stopping is no longer watched. */
export function unwatchIfGone(step: Step): Step {
  const { record } = step;
  if (record.heartbeat === undefined || (record.pid !== null && record.state !== 'stopping' && record.state !== 'stopped')) return step;
  return { ...step, record: { ...record, heartbeat: undefined }, effects: [...step.effects, { type: 'unwatch-heartbeat' }] };
}
