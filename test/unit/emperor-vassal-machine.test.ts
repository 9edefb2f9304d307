import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_RESTART_POLICY } from '../../src/emperor/restart-policy.js';
import { transition, type Step, type VassalEvent, type VassalRecord } from '../../src/emperor/vassal-machine.js';
import { ready, run, spawned } from './emperor-vassal-steps.js';

const changed: VassalEvent = { type: 'file-changed' };
const removed: VassalEvent = { type: 'file-removed' };
const crashed: VassalEvent = { type: 'exited', code: 1, signal: null };
const types = (step: Step) => step.effects.map((effect) => (effect.type === 'signal' ? effect.signal : effect.type));

describe('vassal machine', () => {
  test('a new vassal is starting and asks for a spawn; spawned is not ready', () => {
    assert.equal(run().record.state, 'starting');
    assert.deepEqual(types(run()), ['spawn']);
    const step = run(spawned);
    assert.equal(step.record.state, 'starting');
    assert.equal(step.record.pid, 42);
    assert.deepEqual(step.effects, []);
  });

  test('master-ready makes it ready', () => {
    const step = run(spawned, ready);
    assert.equal(step.record.state, 'ready');
    assert.equal(step.record.wasReady, true);
  });

  test('a file change while ready sends SIGHUP; master-reloaded brings it back to ready', () => {
    const reloading = run(spawned, ready, changed);
    assert.equal(reloading.record.state, 'reloading');
    assert.deepEqual(types(reloading), ['SIGHUP']);
    assert.equal(run(spawned, ready, changed, { type: 'master-reloaded', ok: true }).record.state, 'ready');
  });

  test('a failed reload keeps the master ready and says why', () => {
    const step = run(spawned, ready, changed, { type: 'master-reloaded', ok: false, reason: 'workers not ready' });
    assert.equal(step.record.state, 'ready');
    assert.match(step.reason, /workers not ready/);
  });

  test('changes during a reload give one more reload of the final content', () => {
    const pending = run(spawned, ready, changed, changed, changed);
    assert.equal(pending.record.reloadPending, true);
    assert.deepEqual(pending.effects, []);
    const again = run(spawned, ready, changed, changed, changed, { type: 'master-reloaded', ok: true });
    assert.equal(again.record.state, 'reloading');
    assert.deepEqual(types(again), ['SIGHUP']);
  });

  test('a change before ready waits for ready, then reloads', () => {
    assert.equal(run(spawned, changed).record.reloadPending, true);
    const step = run(spawned, changed, ready);
    assert.equal(step.record.state, 'reloading');
    assert.deepEqual(types(step), ['SIGHUP']);
  });

  test('a change before the spawn means nothing: the master will read the new file', () => {
    assert.equal(transition(run().record, changed, DEFAULT_RESTART_POLICY), null);
  });

  test('a crash after ready restarts at once', () => {
    const step = run(spawned, ready, crashed);
    assert.equal(step.record.state, 'starting');
    assert.deepEqual(types(step), ['spawn']);
    assert.equal(step.record.pid, null);
  });

  test('crashes before ready back off 1 s, 2 s, 4 s', () => {
    const first = run(spawned, crashed);
    assert.equal(first.record.state, 'backoff');
    assert.deepEqual(first.effects, [{ type: 'schedule-restart', delayMs: 1_000 }]);
    const third = run(spawned, crashed, { type: 'backoff-elapsed' }, spawned, crashed, { type: 'backoff-elapsed' }, spawned, { type: 'exited', code: null, signal: 'SIGSEGV' });
    assert.deepEqual(third.effects, [{ type: 'schedule-restart', delayMs: 4_000 }]);
    assert.match(third.reason, /signal SIGSEGV/);
  });

  test('a transient error (exit 75) backs off and says it will retry; a config error (exit 2) is broken', () => {
    const inUse: VassalEvent = { type: 'master-error', message: 'app.ini: option "socket": address already in use: :80 [UW_SOCKET_IN_USE]' };
    const transient = run(spawned, inUse, { type: 'exited', code: 75, signal: null });
    assert.equal(transient.record.state, 'backoff');
    assert.equal(transient.reason, 'master exited (code 75): app.ini: option "socket": address already in use: :80 [UW_SOCKET_IN_USE]; will retry in 1 s');
    assert.equal(transient.record.error, inUse.message, 'the status keeps the error');
    assert.equal(run(spawned, { type: 'exited', code: 2, signal: null }).record.state, 'broken');
  });

  test('touching a backed-off vassal retries at once and resets the back-off', () => {
    const step = run(spawned, crashed, { type: 'backoff-elapsed' }, spawned, crashed, changed);
    assert.equal(step.record.state, 'starting');
    assert.deepEqual(types(step), ['cancel-restart', 'spawn']);
    assert.equal(step.record.failures, 0);
  });

  test('clear-backoff (SIGURG) starts now with a clean count; backoff-elapsed keeps the count', () => {
    assert.equal(run(spawned, crashed, { type: 'clear-backoff' }).record.failures, 0);
    assert.equal(run(spawned, crashed, { type: 'backoff-elapsed' }).record.failures, 1);
  });

  test('exit code 2 marks the vassal broken with the master error, and only a file change restarts it', () => {
    const message = 'config error in app.ini: expected "processes" to be an integer >= 1, got "four"';
    const broken = run(spawned, { type: 'master-error', message }, { type: 'exited', code: 2, signal: null });
    assert.equal(broken.record.state, 'broken');
    assert.equal(broken.record.error, message);
    assert.deepEqual(broken.effects, []);
    for (const event of [{ type: 'backoff-elapsed' }, { type: 'clear-backoff' }, { type: 'master-ready' }] as const) {
      assert.equal(transition(broken.record, event, DEFAULT_RESTART_POLICY), null, event.type);
    }
    const fixed = transition(broken.record, changed, DEFAULT_RESTART_POLICY);
    assert.equal(fixed?.record.state, 'starting');
    assert.equal(fixed?.record.error, null);
  });

  test('an emperor reload retries a broken vassal (its templates may have been fixed)', () => {
    const step = run(spawned, { type: 'exited', code: 2, signal: null }, { type: 'reload' });
    assert.equal(step.record.state, 'starting');
    assert.deepEqual(types(step), ['spawn']);
  });

  test('exit code 2 without a message still says what happened', () => {
    assert.match(run(spawned, { type: 'exited', code: 2, signal: null }).record.error ?? '', /code 2/);
  });

  test('rm records the intent, then stops; the exit is not a crash', () => {
    const stopping = run(spawned, ready, removed);
    assert.equal(stopping.record.state, 'stopping');
    assert.equal(stopping.record.stopReason, 'removed');
    assert.deepEqual(types(stopping), ['stop']);
    assert.equal(run(spawned, ready, removed, { type: 'exited', code: 0, signal: null }).record.state, 'stopped');
    assert.equal(run(spawned, ready, removed, { type: 'exited', code: 2, signal: null }).record.state, 'stopped');
    assert.equal(run(spawned, ready, removed, { type: 'exited', code: null, signal: 'SIGKILL' }).record.state, 'stopped');
  });

  test('a file back while its master stops gets a new master after the exit', () => {
    const step = run(spawned, ready, removed, changed, { type: 'exited', code: 0, signal: null });
    assert.equal(step.record.state, 'starting');
    assert.deepEqual(types(step), ['spawn']);
    assert.equal(run(spawned, ready, removed, changed, removed, { type: 'exited', code: 0, signal: null }).record.state, 'stopped');
  });

  test('rm of a vassal with no master (queued, backoff, broken) stops at once', () => {
    assert.equal(run(removed).record.state, 'stopped');
    assert.deepEqual(types(run(spawned, crashed, removed)), ['cancel-restart']);
    assert.equal(run(spawned, { type: 'exited', code: 2, signal: null }, removed).record.state, 'stopped');
  });

  test('emperor shutdown stops every kind of vassal; a second stop kills', () => {
    assert.deepEqual(types(run(spawned, ready, { type: 'shutdown' })), ['stop']);
    assert.deepEqual(types(run(spawned, ready, { type: 'shutdown' }, { type: 'kill' })), ['SIGKILL']);
    assert.equal(run(spawned, ready, removed, changed, { type: 'shutdown' }, { type: 'exited', code: 0, signal: null }).record.state, 'stopped');
    assert.equal(run(spawned, crashed, { type: 'shutdown' }).record.state, 'stopped');
  });

  test('emperor reload sends SIGHUP to ready masters, and leaves back-offs alone', () => {
    assert.deepEqual(types(run(spawned, ready, { type: 'reload' })), ['SIGHUP']);
    assert.equal(transition(run(spawned, crashed).record, { type: 'reload' }, DEFAULT_RESTART_POLICY), null);
  });

  test('a reload the master started itself (touch-reload) shows as reloading', () => {
    assert.equal(run(spawned, ready, { type: 'master-reloading' }).record.state, 'reloading');
  });

  test('a stopped vassal ignores everything', () => {
    const stopped: VassalRecord = run(removed).record;
    for (const event of [changed, ready, crashed, { type: 'shutdown' }] as VassalEvent[]) {
      assert.equal(transition(stopped, event, DEFAULT_RESTART_POLICY), null);
    }
  });

  describe('failing workers, failed reloads and pauses', () => {
    const failing: VassalEvent = { type: 'workers-failing', message: 'worker 1 exited with code 1 before it was ready: Error: boom' };
    const reloaded = (ok: boolean, reason?: string): VassalEvent => ({ type: 'master-reloaded', ok, reason });

    test('a master whose workers fail before the first ready is failing, with the error', () => {
      const step = run(spawned, failing);
      assert.equal(step.record.state, 'failing');
      assert.equal(step.record.error, 'worker 1 exited with code 1 before it was ready: Error: boom');
      assert.match(step.reason, /boom/);
      assert.deepEqual(step.effects, []);
      assert.equal(run(spawned, failing, failing).record.state, 'failing', 'a later report keeps it failing');
    });

    test('a ready master whose workers start failing is failing too', () => {
      assert.equal(run(spawned, ready, failing).record.state, 'failing');
    });

    test('a file change while failing sends SIGHUP at once; a good reload makes it ready and clears the error', () => {
      const step = run(spawned, failing, changed);
      assert.equal(step.record.state, 'reloading');
      assert.deepEqual(types(step), ['SIGHUP']);
      const fixed = run(spawned, failing, changed, reloaded(true));
      assert.equal(fixed.record.state, 'ready');
      assert.equal(fixed.record.error, null);
      assert.equal(fixed.record.wasReady, true);
      assert.deepEqual(types(run(spawned, failing, { type: 'reload' })), ['SIGHUP']);
    });

    test('a change queued while starting is sent the moment the workers are known to fail', () => {
      const step = run(spawned, changed, failing);
      assert.equal(step.record.state, 'reloading');
      assert.deepEqual(types(step), ['SIGHUP']);
      assert.equal(step.record.reloadPending, false);
    });

    test('a failed reload of a failing vassal leaves it failing, with reloadFailed', () => {
      const step = run(spawned, failing, changed, reloaded(false, 'worker 1 exited with code 1'));
      assert.equal(step.record.state, 'failing');
      assert.equal(step.record.reloadFailed, 'worker 1 exited with code 1');
    });

    test('workers that recover (or a master-ready) end the failure', () => {
      const recovered = run(spawned, ready, failing, { type: 'workers-recovered' });
      assert.equal(recovered.record.state, 'ready');
      assert.equal(recovered.record.error, null);
      assert.equal(run(spawned, failing, ready).record.state, 'ready');
      assert.equal(run(spawned, failing, ready).record.failures, 0);
    });

    test('a failing master that exits goes through the usual back-off, with the error in the reason', () => {
      const step = run(spawned, failing, crashed);
      assert.equal(step.record.state, 'backoff');
      assert.match(step.reason, /boom/);
    });

    test('a failed reload keeps reloadFailed until a later reload succeeds; a new master starts clean', () => {
      const failed = run(spawned, ready, changed, reloaded(false, 'config error in app.ini: bad'));
      assert.equal(failed.record.state, 'ready');
      assert.equal(failed.record.reloadFailed, 'config error in app.ini: bad');
      const still = run(spawned, ready, changed, reloaded(false, 'bad'), { type: 'master-reloading' });
      assert.equal(still.record.reloadFailed, 'bad', 'kept while the next reload runs');
      assert.equal(run(spawned, ready, changed, reloaded(false, 'bad'), changed, reloaded(true)).record.reloadFailed, null);
      const restarted = run(spawned, ready, changed, reloaded(false, 'bad'), { type: 'exited', code: null, signal: 'SIGKILL' });
      assert.equal(restarted.record.reloadFailed, null);
    });

    test('a paused master shows paused; resumed it is ready, or failing if its workers were', () => {
      const paused = run(spawned, ready, { type: 'master-paused' });
      assert.equal(paused.record.state, 'paused');
      assert.equal(run(spawned, ready, { type: 'master-paused' }, { type: 'master-resumed' }).record.state, 'ready');
      assert.equal(run(spawned, failing, { type: 'master-paused' }, { type: 'master-resumed' }).record.state, 'failing');
    });

    test('a pause during a reload shows paused; the reload\'s outcome is kept, and the resume settles it', () => {
      const reloading = [spawned, ready, changed] as const;
      assert.equal(run(...reloading, { type: 'master-paused' }).record.state, 'paused');
      const failed = run(...reloading, { type: 'master-paused' }, { type: 'master-reloaded', ok: false, reason: 'typo' });
      assert.equal(failed.record.state, 'paused');
      assert.equal(failed.record.reloadFailed, 'typo');
      const resumed = run(...reloading, { type: 'master-paused' }, { type: 'master-resumed' }, { type: 'master-reloaded', ok: false, reason: 'crash' });
      assert.equal(resumed.record.state, 'ready');
      assert.equal(resumed.record.reloadFailed, 'crash', 'the outcome of a reload resumed half-way is not lost');
    });

    test('a change while paused is still sent (the master reloads when resumed)', () => {
      assert.deepEqual(types(run(spawned, ready, { type: 'master-paused' }, changed)), ['SIGHUP']);
      // still paused until the master resumes and starts the deferred reload
      assert.equal(run(spawned, ready, { type: 'master-paused' }, changed).record.state, 'paused');
      const resumed = run(spawned, ready, { type: 'master-paused' }, changed, { type: 'master-resumed' }, { type: 'master-reloading' });
      assert.equal(resumed.record.state, 'reloading');
      assert.deepEqual(types(run(spawned, ready, { type: 'master-paused' }, removed)), ['stop']);
    });
  });
});
