import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nextRespawn, type RespawnBackoff } from '../../src/master/respawn-backoff.js';

const policy: RespawnBackoff = { initialDelayMs: 100, maxDelayMs: 1_000, stableAfterMs: 5_000 };

describe('worker respawn back-off', () => {
  it('doubles the delay for a worker that dies before it was ever ready, up to the cap', () => {
    let failures = 0;
    const delays: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const decision = nextRespawn(policy, failures, null);
      delays.push(decision.delayMs);
      failures = decision.failures;
    }
    assert.deepEqual(delays, [100, 200, 400, 800, 1_000, 1_000]);
  });

  it('restarts at once, and forgets past failures, a worker that had been serving for a while', () => {
    assert.deepEqual(nextRespawn(policy, 7, 5_000), { delayMs: 0, failures: 0 });
  });

  it('counts a worker that dies soon after becoming ready as a quick failure', () => {
    assert.deepEqual(nextRespawn(policy, 2, 1_000), { delayMs: 400, failures: 3 });
  });
});
