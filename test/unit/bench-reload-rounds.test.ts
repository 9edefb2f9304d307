// The reload bench compares each reload with the steady slice just before it,
// and decides on the median ratio over the rounds: one noisy slice cannot move
// the verdict, and every request sent during a reload counts in its slice.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sliceOf, summarizeRounds, type Round } from '../../bench/lib/reload-rounds.js';
import type { LoadSamples } from '../../bench/lib/load-types.js';

/** 100 requests a window, 1 ms apart from `from`, each taking `ms(i)`. */
function requests(from: number, ms: (i: number) => number): { sentAt: number[]; ms: number[] } {
  const sentAt = Array.from({ length: 100 }, (_, i) => from + i);
  return { sentAt, ms: sentAt.map((_, i) => ms(i)) };
}

function samples(parts: readonly { sentAt: number[]; ms: number[] }[], failedAt: number[] = []): LoadSamples {
  return { sentAt: parts.flatMap((p) => p.sentAt), ms: parts.flatMap((p) => p.ms), failedAt };
}

const round = (at: number): Round => ({ steady: { from: at, to: at + 100 }, reload: { from: at + 100, to: at + 200 } });

describe('reload rounds', () => {
  it('counts every request and failure sent within a window, and no other', () => {
    const all = samples([requests(0, () => 1), requests(100, (i) => (i === 99 ? 50 : 2))], [99, 100, 199, 200]);
    const slice = sliceOf(all, { from: 100, to: 200 }, 10);
    assert.equal(slice.latency.n, 100);
    assert.equal(slice.latency.max, 50);
    assert.equal(slice.failed, 2);
    assert.deepEqual(slice.slow, [{ atMs: 199, ms: 50 }]);
  });

  it("compares each reload with its own round's steady slice", () => {
    // round 1 on a quiet moment (steady p99 1 ms, reload 2 ms), round 2 on a busy one (10 and 15 ms)
    const all = samples([requests(0, () => 1), requests(100, () => 2), requests(200, () => 10), requests(300, () => 15)]);
    const summary = summarizeRounds(all, [round(0), round(200)]);
    assert.deepEqual(summary.rounds.map((r) => r.ratio), [2, 1.5]);
    assert.equal(summary.minRatio, 1.5);
    assert.equal(summary.maxRatio, 2);
    // pooled, the busy round's steady requests hide the quiet round's slow reload
    assert.equal(summary.pooledSteady.p99, 10);
    assert.equal(summary.pooledReload.p99, 15);
  });

  it('decides on the median ratio: one round with a slow reload does not move it', () => {
    const parts = [0, 200, 400].flatMap((at, n) => [requests(at, () => 4), requests(at + 100, () => (n === 1 ? 40 : 6))]);
    const summary = summarizeRounds(samples(parts), [round(0), round(200), round(400)]);
    assert.deepEqual(summary.rounds.map((r) => r.ratio), [1.5, 10, 1.5]);
    assert.equal(summary.medianRatio, 1.5);
    assert.equal(summary.medianReloadP99, 6);
  });

  it("lists the reload requests slower than twice the round's steady p99", () => {
    const all = samples([requests(0, () => 3), requests(100, (i) => (i < 5 ? 7 : 6))]);
    const [only] = summarizeRounds(all, [round(0)]).rounds;
    assert.deepEqual(only?.reload.slow.map((s) => s.atMs), [100, 101, 102, 103, 104]);
    assert.equal(only?.steady.slow.length, 0);
  });
});
