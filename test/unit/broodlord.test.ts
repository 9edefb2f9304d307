// Broodlord's pure parts: the "start a zerg now?" decision, the master's SOS
// trigger and its rate limit, the idle check (virtual time: samples carry
// their own clock), and the vassal machine retiring an idle zerg.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { argvToSources } from '../../src/config/argv.js';
import { loadConfig } from '../../src/config/load.js';
import { UwError } from '../../src/errors.js';
import { decideZerg } from '../../src/emperor/broodlord-decision.js';
import { DEFAULT_RESTART_POLICY } from '../../src/emperor/restart-policy.js';
import { initialStep, transition, type Step, type VassalEvent } from '../../src/emperor/vassal-machine.js';
import { IdleCheck } from '../../src/master/idle-check.js';
import { SosCheck } from '../../src/master/sos-check.js';

describe('decideZerg', () => {
  const facts = { max: 2, numbers: [] as number[], hasSection: true, pending: false };
  test('starts number 1, then the lowest free number', () => {
    assert.deepEqual(decideZerg(facts), { start: true, number: 1 });
    assert.deepEqual(decideZerg({ ...facts, max: 3, numbers: [2] }), { start: true, number: 1 });
    assert.deepEqual(decideZerg({ ...facts, max: 3, numbers: [1, 3] }), { start: true, number: 2 });
  });
  test('not at the cap, not without a section, not while one starts, not when off', () => {
    assert.deepEqual(decideZerg({ ...facts, numbers: [1, 2] }), { start: false, why: 'at-cap' });
    assert.deepEqual(decideZerg({ ...facts, hasSection: false }), { start: false, why: 'no-section' });
    assert.deepEqual(decideZerg({ ...facts, numbers: [1], pending: true }), { start: false, why: 'pending' });
    assert.deepEqual(decideZerg({ ...facts, max: 0 }), { start: false, why: 'off' });
  });
});

describe('SosCheck', () => {
  /** Feed samples one second apart: busy (b), idle (.), or a backlog number; the seconds at which an SOS went out. */
  function feed(check: SosCheck, samples: readonly (boolean | number)[]): number[] {
    const sent: number[] = [];
    samples.forEach((sample, second) => {
      const now = second * 1000;
      const request = check.sample(typeof sample === 'boolean' ? { now, allBusy: sample, backlog: 0 } : { now, allBusy: false, backlog: sample });
      if (request !== null) sent.push(second);
    });
    return sent;
  }
  test('vassal-sos: after S seconds of every worker busy, then at most once per S', () => {
    const check = new SosCheck({ busyMs: 3000 });
    assert.deepEqual(feed(check, [true, true, true, true, true, true, true, true]), [3, 6]);
  });
  test('vassal-sos: a moment with a free worker starts the count again', () => {
    const check = new SosCheck({ busyMs: 2000 });
    assert.deepEqual(feed(check, [true, true, false, true, true, true]), [5]);
  });
  test('the request says why and for how long', () => {
    const check = new SosCheck({ busyMs: 1000 });
    assert.equal(check.sample({ now: 0, allBusy: true, backlog: 0 }), null);
    assert.deepEqual(check.sample({ now: 1500, allBusy: true, backlog: 0 }), { reason: 'busy', busyMs: 1500 });
  });
  test('vassal-sos-backlog alone: a queue at N or more, at most once a second', () => {
    const check = new SosCheck({ backlog: 10 });
    assert.deepEqual(feed(check, [9, 10, 50, 3, 12]), [1, 2, 4]);
    assert.deepEqual(new SosCheck({ backlog: 10 }).sample({ now: 0, allBusy: false, backlog: 11 }), { reason: 'backlog', backlog: 11 });
  });
  test('both forms share the vassal-sos period', () => {
    const check = new SosCheck({ busyMs: 3000, backlog: 10 });
    assert.deepEqual(feed(check, [20, 20, 20, 20]), [0, 3]);
  });
});

describe('IdleCheck', () => {
  test('idle after S without a new request or one in flight', () => {
    const idle = new IdleCheck(2000);
    assert.equal(idle.sample({ now: 0, requests: 5, inflight: 0 }), false);
    assert.equal(idle.sample({ now: 1000, requests: 5, inflight: 0 }), false);
    assert.equal(idle.sample({ now: 2000, requests: 5, inflight: 0 }), true);
  });
  test('a new request, or one in flight, starts the count again', () => {
    const idle = new IdleCheck(2000);
    idle.sample({ now: 0, requests: 5, inflight: 0 });
    assert.equal(idle.sample({ now: 1500, requests: 6, inflight: 0 }), false);
    assert.equal(idle.sample({ now: 3000, requests: 6, inflight: 1 }), false);
    assert.equal(idle.sample({ now: 4500, requests: 6, inflight: 0 }), false);
    assert.equal(idle.sample({ now: 5000, requests: 6, inflight: 0 }), true);
  });
});

describe('vassal machine: an idle zerg', () => {
  function run(...events: VassalEvent[]): Step {
    let current = initialStep();
    for (const event of events) {
      const next = transition(current.record, event, DEFAULT_RESTART_POLICY);
      assert.ok(next !== null, `${event.type} ignored in ${current.record.state}`);
      current = next;
    }
    return current;
  }
  test('master-idle: stopping without a signal (the master stops itself) but within the mercy, and its exit is stopped, not a crash', () => {
    const idle = run({ type: 'spawned', pid: 7 }, { type: 'master-ready' }, { type: 'master-idle' });
    assert.equal(idle.record.state, 'stopping');
    assert.equal(idle.record.stopReason, 'idle');
    assert.deepEqual(idle.effects, [{ type: 'await-stop' }]);
    const gone = run({ type: 'spawned', pid: 7 }, { type: 'master-ready' }, { type: 'master-idle' }, { type: 'exited', code: 0, signal: null });
    assert.equal(gone.record.state, 'stopped');
    assert.deepEqual(gone.effects, []);
  });
});

describe('broodlord options', () => {
  const DIR = fileURLToPath(new URL('../../../test/fixtures/configs/', import.meta.url));
  const load = (...args: string[]) => loadConfig({ sources: argvToSources(args), cwd: DIR, env: { PATH: `${DIR}bin:/usr/bin:/bin` } });
  const fails = (args: string[], code: string, key: string, message: string) =>
    assert.rejects(load(...args), (err: unknown) => {
      assert.ok(err instanceof UwError, String(err));
      assert.equal(err.code, code, err.message);
      assert.equal(err.key, key, err.message);
      assert.ok(err.message.includes(message), err.message);
      return true;
    });

  test('values are converted once, in ms', async () => {
    const config = await load('minimal.ini', '--vassal-sos', '1.5', '--vassal-sos-backlog', '64', '--idle', '2', '--die-on-idle');
    assert.equal(config.vassalSosMs, 1500);
    assert.equal(config.vassalSosBacklog, 64);
    assert.equal(config.idleMs, 2000);
  });
  test('idle needs die-on-idle or cheap, and module workers; die-on-idle needs idle; periods are above 0', async () => {
    await fails(['minimal.ini', '--idle', '2'], 'UW_CONFIG_CONFLICT', 'idle', 'neither "die-on-idle = true"');
    await fails(['minimal.ini', '--die-on-idle'], 'UW_CONFIG_CONFLICT', 'die-on-idle', 'needs "idle = SECONDS"');
    await fails(['exec.ini', '--idle', '2', '--die-on-idle'], 'UW_CONFIG_CONFLICT', 'idle', 'needs module workers');
    await fails(['minimal.ini', '--vassal-sos', '0'], 'UW_CONFIG_INVALID_VALUE', 'vassal-sos', 'above 0');
    await fails(['minimal.ini', '--vassal-sos-backlog', '0'], 'UW_CONFIG_INVALID_VALUE', 'vassal-sos-backlog', 'from 1 to 65535');
  });
});
