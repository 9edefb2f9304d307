import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import { DEFAULT_RESTART_POLICY } from '../../src/emperor/restart-policy.js';
import { transition, type Step, type VassalEvent } from '../../src/emperor/vassal-machine.js';
import { fakeVassal } from './emperor-vassal-harness.js';
import { VirtualClock } from './emperor-virtual-clock.js';
import { ready, run, spawned } from './emperor-vassal-steps.js';

const beat: VassalEvent = { type: 'master-heartbeat', everyMs: 1_000 };
const missed: VassalEvent = { type: 'heartbeat-missed' };
const types = (step: Step) => step.effects.map((effect) => (effect.type === 'signal' ? effect.signal : effect.type));

describe('vassal machine: heartbeat', () => {
  test('a beat arms a deadline of 2 periods; each beat re-arms it', () => {
    const step = run(spawned, ready, beat);
    assert.deepEqual(step.effects, [{ type: 'watch-heartbeat', delayMs: 2_000 }]);
    assert.deepEqual(step.record.heartbeat, { everyMs: 1_000, missed: 0 });
    assert.equal(step.record.state, 'ready');
  });

  test('silent for 2 periods: SIGHUP, said why; 2 more: SIGKILL, and the exit restarts it at once', () => {
    const hup = run(spawned, ready, beat, missed);
    assert.deepEqual(types(hup), ['SIGHUP', 'watch-heartbeat']);
    assert.match(hup.effects[0]?.type === 'signal' ? (hup.effects[0].why ?? '') : '', /no heartbeat for 2 s/);
    const kill = run(spawned, ready, beat, missed, missed);
    assert.deepEqual(types(kill), ['SIGKILL']);
    assert.match(kill.record.error ?? '', /no heartbeat for 4 s .*killed/);
    const restarted = run(spawned, ready, beat, missed, missed, { type: 'exited', code: null, signal: 'SIGKILL' });
    assert.equal(restarted.record.state, 'starting');
    assert.deepEqual(types(restarted), ['spawn']);
    assert.equal(restarted.record.heartbeat, undefined);
  });

  test('a beat after the SIGHUP forgives the silence: the next deadline is a SIGHUP again', () => {
    const step = run(spawned, ready, beat, missed, beat, missed);
    assert.deepEqual(types(step), ['SIGHUP', 'watch-heartbeat']);
  });

  test('paused, reloading, failing and starting masters are watched the same way', () => {
    for (const before of [[ready, { type: 'master-paused' }], [ready, { type: 'file-changed' }], [{ type: 'workers-failing', message: 'x' }], []] as VassalEvent[][]) {
      assert.deepEqual(types(run(spawned, ...before, beat, missed)), ['SIGHUP', 'watch-heartbeat'], JSON.stringify(before));
    }
  });

  test('without a beat nothing is watched: a missed deadline means nothing', () => {
    assert.equal(transition(run(spawned, ready).record, missed, DEFAULT_RESTART_POLICY), null);
  });

  test('a master that turns its heartbeat off (reload) is no longer watched', () => {
    const off = run(spawned, ready, beat, { type: 'master-heartbeat', everyMs: 0 });
    assert.deepEqual(types(off), ['unwatch-heartbeat']);
    assert.equal(transition(off.record, missed, DEFAULT_RESTART_POLICY), null);
  });

  test('a stopping or exited master is no longer watched', () => {
    const stopping = run(spawned, ready, beat, { type: 'file-removed' });
    assert.deepEqual(types(stopping), ['stop', 'unwatch-heartbeat']);
    assert.equal(transition(stopping.record, missed, DEFAULT_RESTART_POLICY), null);
    const crashed = run(spawned, ready, beat, { type: 'exited', code: 1, signal: null });
    assert.ok(types(crashed).includes('unwatch-heartbeat'));
  });
});

/** A vassal on a virtual clock with a fake master, its log lines collected. */
function makeVassal(isStopped: (pid: number) => boolean = () => false) {
  const clock = new VirtualClock();
  const lines: Record<string, unknown>[] = [];
  const { vassal, children, jobs } = fakeVassal(clock, pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }), { isStopped });
  void jobs.shift()?.();
  const master = children[0];
  assert.ok(master);
  master.emit('message', { type: 'master-ready', pid: master.pid, generation: 1 });
  return { clock, lines, jobs, vassal, master };
}

describe('vassal: heartbeat on the clock', () => {
  test('a master that stops beating is reloaded after 2xS, killed after 4xS, restarted; the last beat is shown', async () => {
    const { clock, lines, jobs, vassal, master } = makeVassal();
    await clock.advance(500);
    master.emit('message', { type: 'master-heartbeat', everyMs: 1_000 });
    assert.equal(vassal.status().lastHeartbeatMs, 500);
    for (let i = 0; i < 5; i++) {
      await clock.advance(1_000);
      master.emit('message', { type: 'master-heartbeat', everyMs: 1_000 });
    }
    assert.deepEqual(master.signals, [], 'a beating master is left alone');
    await clock.advance(1_999);
    assert.deepEqual(master.signals, []);
    await clock.advance(1);
    assert.deepEqual(master.signals, ['SIGHUP']);
    assert.ok(lines.some((line) => line.msg === 'master signalled' && line.signal === 'SIGHUP' && /no heartbeat for 2 s/.test(String(line.why))));
    await clock.advance(2_000);
    assert.deepEqual(master.signals, ['SIGHUP', 'SIGKILL']);
    master.exit(null, 'SIGKILL');
    assert.equal(vassal.status().lastHeartbeatMs, undefined, 'the new master has not beaten yet');
    assert.equal(jobs.length, 1, 'a new master is queued at once');
    await clock.advance(60_000);
    assert.deepEqual(master.signals, ['SIGHUP', 'SIGKILL'], 'nothing more for the dead master');
  });

  test('without heartbeat: a SIGHUP not acknowledged in 10 s and a stats request timing out are reported once, and the return too', async () => {
    const { clock, lines, vassal, master } = makeVassal((pid) => pid === master.pid);
    const notAnswering = () => lines.filter((line) => line.msg === 'master not answering');
    vassal.handle({ type: 'file-changed' });
    assert.deepEqual(master.signals, ['SIGHUP']);
    await clock.advance(9_999);
    assert.equal(notAnswering().length, 0);
    await clock.advance(1);
    assert.deepEqual(notAnswering().map((line) => [line.unanswered, line.masterPid, line.stopped]), [['SIGHUP', master.pid, true]]);
    assert.equal(vassal.status().unanswered, 'SIGHUP');
    const stats = vassal.requestStats(2_000);
    await clock.advance(2_000);
    assert.equal(await stats, null);
    assert.equal(notAnswering().length, 1, 'one line per silence, not per request');
    assert.deepEqual(master.signals, ['SIGHUP'], 'reported, not acted on');
    master.emit('message', { type: 'master-reloading', generation: 2 });
    assert.ok(lines.some((line) => line.msg === 'master answering again'));
    assert.equal(vassal.status().unanswered, undefined);
    const late = vassal.requestStats(2_000);
    await clock.advance(2_000);
    assert.equal(await late, null);
    assert.deepEqual(notAnswering().map((line) => line.unanswered), ['SIGHUP', 'stats-request']);
  });

  test('an acknowledged SIGHUP is not reported', async () => {
    const { clock, lines, vassal, master } = makeVassal();
    vassal.handle({ type: 'reload' });
    master.emit('message', { type: 'master-reloading', generation: 2 });
    await clock.advance(60_000);
    assert.equal(lines.filter((line) => line.msg === 'master not answering').length, 0);
  });
});
