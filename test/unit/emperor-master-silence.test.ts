// The emperor's report of a master that does not answer a SIGHUP: a SIGHUP sent
// while the master reloads is merged into that reload and answered by it, even
// when the reload outlasts the acknowledgement limit.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import type { Logger } from '../../src/log/logger.js';
import { MasterSilence, SIGHUP_ACK_MS } from '../../src/emperor/master-silence.js';
import { fakeVassal } from './emperor-vassal-harness.js';
import { VirtualClock } from './emperor-virtual-clock.js';

/** A logger whose lines are collected, parsed. */
function collect(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { logger: pino<never, boolean>({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }), lines };
}
const notAnswering = (lines: Record<string, unknown>[]) => lines.filter((line) => line.msg === 'master not answering');

describe('master silence: a SIGHUP merged into a reload', () => {
  test('sent while the master reloads, it is answered by that reload however long it runs', async () => {
    const clock = new VirtualClock();
    const { logger, lines } = collect();
    const silence = new MasterSilence(clock, logger, () => false);
    silence.acknowledged('master-reloading');
    silence.sighupSent(42);
    await clock.advance(SIGHUP_ACK_MS * 6);
    assert.equal(notAnswering(lines).length, 0);
    assert.equal(silence.unanswered, null);
    silence.acknowledged('master-reloaded');
    // the reload ended: a SIGHUP now is owed an answer again
    silence.sighupSent(42);
    await clock.advance(SIGHUP_ACK_MS);
    assert.deepEqual(notAnswering(lines).map((line) => line.unanswered), ['SIGHUP']);
  });

  test('a paused master or a new master is not reloading any more: its SIGHUP is owed an answer', async () => {
    const clock = new VirtualClock();
    const { logger, lines } = collect();
    const silence = new MasterSilence(clock, logger, () => false);
    silence.acknowledged('master-reloading');
    silence.reset();
    silence.sighupSent(43);
    await clock.advance(SIGHUP_ACK_MS);
    assert.equal(notAnswering(lines).length, 1);
  });

  test('a vassal with heartbeat: the SIGHUP of a missed beat during a long reload is not reported as unanswered', async () => {
    const clock = new VirtualClock();
    const { logger, lines } = collect();
    const { vassal, children, jobs } = fakeVassal(clock, logger);
    void jobs.shift()?.();
    const master = children[0];
    assert.ok(master);
    master.emit('message', { type: 'master-ready', pid: master.pid, generation: 1 });
    master.emit('message', { type: 'master-heartbeat', everyMs: 1_000 });
    master.emit('message', { type: 'master-reloading', generation: 2 });
    await clock.advance(2_000);
    assert.deepEqual(master.signals, ['SIGHUP'], 'two silent periods: a SIGHUP, merged into the reload running');
    for (let i = 0; i < 30; i++) {
      master.emit('message', { type: 'master-heartbeat', everyMs: 1_000 });
      await clock.advance(1_000);
    }
    assert.equal(notAnswering(lines).length, 0);
    assert.equal(vassal.status().unanswered, undefined);
    master.emit('message', { type: 'master-reloaded', generation: 2, ok: true, durationMs: 32_000 });
    assert.equal(vassal.state, 'ready');
  });
});
