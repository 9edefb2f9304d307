// Driving the pure vassal machine in unit tests: events fed from a fresh
// vassal, each one required to be handled.
import assert from 'node:assert/strict';
import { DEFAULT_RESTART_POLICY } from '../../src/emperor/restart-policy.js';
import { initialStep, transition, type Step, type VassalEvent } from '../../src/emperor/vassal-machine.js';

/** Feed events from a fresh vassal; every event must be handled. */
export function run(...events: VassalEvent[]): Step {
  let current = initialStep();
  for (const event of events) {
    const next = transition(current.record, event, DEFAULT_RESTART_POLICY);
    assert.ok(next !== null, `${event.type} ignored in ${current.record.state}`);
    current = next;
  }
  return current;
}

export const spawned: VassalEvent = { type: 'spawned', pid: 42 };
export const ready: VassalEvent = { type: 'master-ready' };
