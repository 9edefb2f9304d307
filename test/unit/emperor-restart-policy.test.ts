import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RESTART_POLICY, nextRestart } from '../../src/emperor/restart-policy.js';

test('a master that was ready restarts at once and its failures reset', () => {
  assert.deepEqual(nextRestart(true, 5), { delayMs: 0, failures: 0 });
});

test('a master that never got ready backs off 1 s doubling to a 60 s cap', () => {
  const delays: number[] = [];
  let failures = 0;
  for (let i = 0; i < 10; i++) {
    const decision = nextRestart(false, failures);
    delays.push(decision.delayMs);
    failures = decision.failures;
  }
  assert.deepEqual(delays, [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000]);
  assert.equal(failures, 10);
});

test('the back-off never overflows, however long a vassal keeps failing', () => {
  assert.equal(nextRestart(false, 10_000).delayMs, DEFAULT_RESTART_POLICY.maxDelayMs);
});

test('the policy is injectable', () => {
  assert.equal(nextRestart(false, 2, { initialDelayMs: 10, maxDelayMs: 25 }).delayMs, 25);
});
