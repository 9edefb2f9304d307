// The loyalty watch (src/master/loyalty-watch.ts) on mocked timers: a check
// that fails after stop() schedules no other.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { pino } from 'pino';
import { watchLoyalty } from '../../src/master/loyalty-watch.js';

beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
afterEach(() => mock.timers.reset());

test('a check that fails once the watch is stopped asks the workers no more', async () => {
  let asked = 0;
  let fail: (err: Error) => void = () => undefined;
  const worker = {
    readyAt: 1,
    status: 'ready',
    lastActivity: null,
    activity: () => {
      asked += 1;
      return new Promise<never>((_, reject) => (fail = reject));
    },
  };
  const pool = { current: () => [worker], others: () => [], retired: { requests: 0 } };
  const watch = watchLoyalty({ pool: pool as never, config: () => ({}) as never, log: pino({ level: 'silent' }), onLoyal: () => assert.fail('not loyal') });
  mock.timers.tick(250);
  assert.equal(asked, 1);
  watch.stop();
  fail(new Error('worker gone'));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  mock.timers.tick(60_000);
  assert.equal(asked, 1);
});
