// The master's side of heartbeat: a first beat at once, one per period, a new
// period after a reload, and one "off" when a reload removes the option.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test, mock } from 'node:test';
import { HeartbeatSender } from '../../src/master/heartbeat-sender.js';

beforeEach(() => mock.timers.enable({ apis: ['setInterval'] }));
afterEach(() => mock.timers.reset());

test('beats at once and then every period; a new period replaces the old; off is said once', () => {
  const beats: number[] = [];
  const sender = new HeartbeatSender((beat) => beats.push(beat.everyMs));
  sender.follow(undefined);
  assert.deepEqual(beats, [], 'no heartbeat option: nothing is said');
  sender.follow(1_000);
  assert.deepEqual(beats, [1_000]);
  mock.timers.tick(3_000);
  assert.deepEqual(beats, [1_000, 1_000, 1_000, 1_000]);
  sender.follow(1_000);
  assert.equal(beats.length, 4, 'the same period after a reload: nothing new');
  sender.follow(5_000);
  mock.timers.tick(4_999);
  assert.deepEqual(beats.slice(4), [5_000], 'the old interval is gone');
  mock.timers.tick(1);
  assert.deepEqual(beats.slice(4), [5_000, 5_000]);
  sender.follow(undefined);
  mock.timers.tick(60_000);
  assert.deepEqual(beats.slice(6), [0], 'off once, then silence');
});
