// judgeWorker with worker-heartbeat: a worker whose event loop has not answered
// for longer than the limit is killed; a busy worker that answers is not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WorkerPolicies } from '../../src/config/vassal-config.js';
import { hasPolicies, judgeWorker, type WorkerFacts } from '../../src/master/worker-policy.js';

const NOW = 1_000_000;
const policies: WorkerPolicies = { harakiriVerbose: false, maxRequestsDelta: 0, maxLifetimeDeltaMs: 0, minLifetimeMs: 10_000, workerHeartbeatMs: 3_000 };
const facts = (over: Partial<WorkerFacts> = {}): WorkerFacts => ({
  id: 1, spawnedAt: NOW - 60_000, readyAt: NOW - 59_000, resumedAt: 0, requests: 0, rss: null, answer: { inflight: 0, current: null }, previous: null, ...over,
});

describe('judgeWorker: worker-heartbeat', () => {
  it('is a policy the monitor ticks for', () => {
    assert.equal(hasPolicies(policies), true);
  });

  it('a worker that answers is left alone, however old its request', () => {
    const busy = facts({ answer: { inflight: 1, current: { request: 'GET /slow', since: NOW - 600_000 } } });
    assert.equal(judgeWorker(policies, busy, NOW), null);
  });

  it('no answer for longer than the limit since the last one: unresponsive, with how long', () => {
    const quiet = (ms: number) => facts({ answer: null, previous: { at: NOW - ms, inflight: 1, current: null } });
    assert.equal(judgeWorker(policies, quiet(3_000), NOW), null);
    assert.deepEqual(judgeWorker(policies, quiet(3_001), NOW), { action: 'unresponsive', blockedMs: 3_001 });
  });

  it('a worker that never answered counts from when it became ready; time paused does not count', () => {
    assert.deepEqual(judgeWorker(policies, facts({ answer: null, spawnedAt: NOW - 9_000, readyAt: NOW - 4_000 }), NOW), { action: 'unresponsive', blockedMs: 4_000 });
    assert.equal(judgeWorker(policies, facts({ answer: null, resumedAt: NOW - 2_000, previous: { at: NOW - 9_000, inflight: 0, current: null } }), NOW), null);
  });

  it('boot time is not blocked time: ready 8 s after spawn, limit 5 s', () => {
    const five = { ...policies, workerHeartbeatMs: 5_000 };
    const booted = (sinceReady: number) => facts({ answer: null, spawnedAt: NOW - 8_000 - sinceReady, readyAt: NOW - sinceReady });
    assert.equal(judgeWorker(five, booted(1_000), NOW), null);
    assert.equal(judgeWorker(five, booted(5_000), NOW), null);
    assert.deepEqual(judgeWorker(five, booted(5_001), NOW), { action: 'unresponsive', blockedMs: 5_001 });
  });

  it('a worker not ready yet is never unresponsive (ready-timeout covers it)', () => {
    assert.equal(judgeWorker(policies, facts({ answer: null, spawnedAt: NOW - 60_000, readyAt: null }), NOW), null);
  });

  it('harakiri, when set too, judges first (it names the stuck request)', () => {
    const both = { ...policies, harakiriMs: 2_000 };
    const stuck = facts({ answer: null, previous: { at: NOW - 5_000, inflight: 1, current: { request: 'GET /spin', since: NOW - 5_000 } } });
    assert.equal(judgeWorker(both, stuck, NOW)?.action, 'harakiri');
  });
});
