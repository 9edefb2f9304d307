// uWSGI's emperor protocol on the emperor's side, without processes: each byte a
// uWSGI master writes becomes the vassal event (or link action) it means, and
// the pure vassal machine takes those events as it takes a uw master's messages.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EMPEROR_BYTE, EXILE_EXIT_CODE, stopByte, VASSAL_BYTE, vassalByteAction, type VassalByteAction } from '../../src/emperor/uwsgi-emperor-bytes.js';
import { DEFAULT_RESTART_POLICY } from '../../src/emperor/restart-policy.js';
import { transition, type Step, type VassalEvent } from '../../src/emperor/vassal-machine.js';
import { ready, run, spawned } from './emperor-vassal-steps.js';

const changed: VassalEvent = { type: 'file-changed' };
const types = (step: Step) => step.effects.map((effect) => (effect.type === 'signal' ? effect.signal : effect.type));
const eventOf = (action: VassalByteAction): VassalEvent => {
  if (action.kind !== 'event') assert.fail(`expected an event, got ${JSON.stringify(action)}`);
  return action.event;
};
/** The event a byte from a master with `heartbeat = 2` means. */
const byte = (value: number): VassalEvent => eventOf(vassalByteAction(value, 2_000));

describe('uWSGI emperor bytes', () => {
  test('the bytes a master writes, by uWSGI\'s numbers', () => {
    assert.deepEqual(vassalByteAction(5, null), { kind: 'event', event: { type: 'master-ready' } });
    assert.deepEqual(vassalByteAction(26, 3_000), { kind: 'event', event: { type: 'master-heartbeat', everyMs: 3_000 } });
    assert.deepEqual(vassalByteAction(22, null), { kind: 'idle' });
    assert.deepEqual(vassalByteAction(30, null), { kind: 'sos' });
    assert.equal(vassalByteAction(1, null).kind, 'note', 'master ready (1) is spawned, not ready: 5 (accepting) is');
    assert.equal(vassalByteAction(17, null).kind, 'note');
    assert.equal(vassalByteAction(2, null).kind, 'note');
    assert.deepEqual(vassalByteAction(99, null), { kind: 'unknown', byte: 99 });
    assert.deepEqual(VASSAL_BYTE, { spawned: 1, configRequest: 2, accepting: 5, loyal: 17, voluntaryShutdown: 22, heartbeat: 26, sos: 30 });
  });

  test('the bytes the emperor writes: 1 reloads, 2 stops gracefully, 0 at once', () => {
    assert.equal(EMPEROR_BYTE.reload, 1);
    assert.equal(stopByte(true), 2);
    assert.equal(stopByte(false), 0);
  });

  test('a heartbeat from a master whose period the emperor could not read only says it is alive', () => {
    const beat = eventOf(vassalByteAction(26, null));
    const step = run(spawned, byte(5), beat);
    assert.equal(step.record.heartbeat, undefined);
    assert.deepEqual(types(step), ['unwatch-heartbeat']);
  });
});

describe('vassal machine, driven by a uWSGI master', () => {
  test('spawned is not ready: 1 changes nothing, 5 (accepting) is ready', () => {
    assert.equal(run(spawned).record.state, 'starting');
    assert.equal(run(spawned, byte(5)).record.state, 'ready');
  });

  test('a reload ends when the re-executed master accepts again (5), with no master-reloaded', () => {
    const reloading = run(spawned, byte(5), changed);
    assert.equal(reloading.record.state, 'reloading');
    assert.deepEqual(types(reloading), ['SIGHUP'], 'the link turns the reload into byte 1');
    const done = run(spawned, byte(5), changed, byte(5));
    assert.equal(done.record.state, 'ready');
    assert.equal(done.reason, 'master reloaded');
  });

  test('a change during a reload reloads again once it accepts', () => {
    const step = run(spawned, byte(5), changed, changed, byte(5));
    assert.equal(step.record.state, 'reloading');
    assert.deepEqual(types(step), ['SIGHUP']);
  });

  test('heartbeats (26) arm the watch with the config\'s period, twice over', () => {
    const step = run(spawned, byte(5), byte(26));
    assert.deepEqual(step.record.heartbeat, { everyMs: 2_000, missed: 0 });
    assert.deepEqual(step.effects, [{ type: 'watch-heartbeat', delayMs: 4_000 }]);
  });

  test(`exit code ${EXILE_EXIT_CODE} is not restarted: broken until the file changes`, () => {
    const exiled = run(spawned, byte(5), { type: 'exited', code: EXILE_EXIT_CODE, signal: null });
    assert.equal(exiled.record.state, 'broken');
    assert.deepEqual(exiled.effects, [], 'no spawn, no back-off timer');
    assert.match(exiled.record.error ?? '', /code 26: not started again until its file changes/);
    assert.deepEqual(types(run(spawned, byte(5), { type: 'exited', code: EXILE_EXIT_CODE, signal: null }, changed)), ['spawn']);
    assert.equal(run(spawned, byte(5), { type: 'exited', code: 1, signal: null }).record.state, 'starting', 'any other exit of a ready master restarts it');
  });

  test('not accepting within its ready-timeout: killed, and the exit backs off with the reason', () => {
    const timedOut = run(spawned, { type: 'ready-timeout', afterMs: 5_000 });
    assert.deepEqual(types(timedOut), ['SIGKILL']);
    const after = run(spawned, { type: 'ready-timeout', afterMs: 5_000 }, { type: 'exited', code: null, signal: 'SIGKILL' });
    assert.equal(after.record.state, 'backoff');
    assert.match(after.reason, /not accepting within 5 s; will retry in 1 s/);
    assert.equal(transition(run(spawned, ready).record, { type: 'ready-timeout', afterMs: 5_000 }, DEFAULT_RESTART_POLICY), null, 'ignored once ready');
  });

  test('not accepting again within its ready-timeout after a reload: killed with the reason, and restarted', () => {
    const timedOut = run(spawned, byte(5), changed, changed, { type: 'ready-timeout', afterMs: 5_000 });
    assert.deepEqual(timedOut.effects, [{ type: 'signal', signal: 'SIGKILL', why: 'not accepting within 5 s after a reload' }]);
    const after = run(spawned, byte(5), changed, changed, { type: 'ready-timeout', afterMs: 5_000 }, { type: 'exited', code: null, signal: 'SIGKILL' });
    assert.equal(after.record.state, 'starting', 'it was ready before: restarted as any crash is, reading the changed file');
    assert.deepEqual(types(after), ['spawn']);
    assert.match(after.reason, /signal SIGKILL\): not accepting within 5 s after a reload/);
  });

  test('a program that does not exist is broken, not retried', () => {
    const step = run({ type: 'spawn-failed', message: 'binary in [emperor]: "/nope" is not an executable file', broken: true });
    assert.equal(step.record.state, 'broken');
    assert.deepEqual(step.effects, []);
    assert.equal(run({ type: 'spawn-failed', message: 'EAGAIN' }).record.state, 'backoff', 'any other spawn failure backs off');
  });
});
