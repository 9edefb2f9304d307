// judgeWorker: harakiri from an answered request or a blocked event loop; the
// recycles in uWSGI's order, with min-worker-lifetime and the per-worker delta.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WorkerPolicies } from '../../src/config/vassal-config.js';
import { judgeWorker, type WorkerFacts } from '../../src/master/worker-policy.js';

const NOW = 1_000_000;
const none: WorkerPolicies = { harakiriVerbose: false, maxRequestsDelta: 0, maxLifetimeDeltaMs: 0, minLifetimeMs: 10_000 };
const facts = (over: Partial<WorkerFacts> = {}): WorkerFacts => ({
  id: 1, spawnedAt: NOW - 60_000, readyAt: NOW - 59_000, resumedAt: 0, requests: 0, rss: 50 * 1024 * 1024, answer: { inflight: 0, current: null }, previous: null, ...over,
});

describe('judgeWorker', () => {
  it('does nothing without a policy', () => {
    assert.equal(judgeWorker(none, facts({ requests: 1e9 }), NOW), null);
  });

  it('harakiri: the oldest request in flight longer than the limit', () => {
    const policies = { ...none, harakiriMs: 5000 };
    const busy = (ms: number) => facts({ answer: { inflight: 3, current: { request: 'GET /x', since: NOW - ms } } });
    assert.equal(judgeWorker(policies, busy(5000), NOW), null);
    assert.deepEqual(judgeWorker(policies, busy(5001), NOW), { action: 'harakiri', request: 'GET /x', runningMs: 5001, inflight: 3, blocked: false });
  });

  it('harakiri: a worker that stopped answering is stuck since its last answer, or its request then', () => {
    const policies = { ...none, harakiriMs: 5000 };
    const quiet = facts({ answer: null, previous: { at: NOW - 6000, inflight: 0, current: null } });
    assert.deepEqual(judgeWorker(policies, quiet, NOW), { action: 'harakiri', request: null, runningMs: 6000, inflight: 0, blocked: true });
    const stuck = facts({ answer: null, previous: { at: NOW - 1000, inflight: 1, current: { request: 'POST /y', since: NOW - 7000 } } });
    assert.deepEqual(judgeWorker(policies, stuck, NOW), { action: 'harakiri', request: 'POST /y', runningMs: 7000, inflight: 1, blocked: true });
    assert.equal(judgeWorker(policies, facts({ answer: null, previous: { at: NOW - 4000, inflight: 0, current: null } }), NOW), null);
  });

  it('harakiri: a worker that never answered is stuck since it became ready, not since its spawn', () => {
    const policies = { ...none, harakiriMs: 5000 };
    const booted = (sinceReady: number) => facts({ answer: null, spawnedAt: NOW - 8000 - sinceReady, readyAt: NOW - sinceReady });
    assert.equal(judgeWorker(policies, booted(1000), NOW), null);
    assert.deepEqual(judgeWorker(policies, booted(5001), NOW), { action: 'harakiri', request: null, runningMs: 5001, inflight: 0, blocked: true });
    assert.equal(judgeWorker(policies, facts({ answer: null, readyAt: null }), NOW), null);
  });

  it('max-requests with the delta of worker id - 1, held back by min-worker-lifetime', () => {
    const policies = { ...none, maxRequests: 100, maxRequestsDelta: 10 };
    assert.equal(judgeWorker(policies, facts({ id: 3, requests: 119 }), NOW), null);
    assert.deepEqual(judgeWorker(policies, facts({ id: 3, requests: 120 }), NOW), { action: 'recycle', reason: 'max-requests: served 120 requests (limit 120)' });
    assert.equal(judgeWorker(policies, facts({ id: 1, requests: 500, spawnedAt: NOW - 9000 }), NOW), null);
  });

  it('reload-on-rss after min-worker-lifetime; max-worker-lifetime regardless of it', () => {
    const rss = { ...none, reloadOnRssBytes: 100 * 1024 * 1024 };
    assert.equal(judgeWorker(rss, facts({ rss: 99 * 1024 * 1024 }), NOW), null);
    assert.deepEqual(judgeWorker(rss, facts({ rss: 150 * 1024 * 1024 }), NOW), { action: 'recycle', reason: 'reload-on-rss: 150 MB resident (limit 100 MB)' });
    assert.equal(judgeWorker(rss, facts({ rss: 150 * 1024 * 1024, spawnedAt: NOW - 1000 }), NOW), null);
    const life = { ...none, maxLifetimeMs: 2000, maxLifetimeDeltaMs: 1000 };
    assert.deepEqual(judgeWorker(life, facts({ id: 2, spawnedAt: NOW - 3000 }), NOW), { action: 'recycle', reason: 'max-worker-lifetime: ran 3 s (limit 3 s)' });
    assert.equal(judgeWorker(life, facts({ id: 2, spawnedAt: NOW - 2999 }), NOW), null);
  });

  it('harakiri counts no time spent paused', () => {
    const policies = { ...none, harakiriMs: 5000 };
    const long = facts({ resumedAt: NOW - 1000, answer: { inflight: 1, current: { request: 'GET /x', since: NOW - 9000 } } });
    assert.equal(judgeWorker(policies, long, NOW), null);
    const blocked = facts({ resumedAt: NOW - 1000, answer: null, previous: { at: NOW - 9000, inflight: 0, current: null } });
    assert.equal(judgeWorker(policies, blocked, NOW), null);
  });

  it('harakiri comes before a recycle', () => {
    const policies = { ...none, harakiriMs: 1000, maxRequests: 1 };
    const verdict = judgeWorker(policies, facts({ requests: 5, answer: { inflight: 1, current: { request: 'GET /', since: NOW - 2000 } } }), NOW);
    assert.equal(verdict?.action, 'harakiri');
  });
});
