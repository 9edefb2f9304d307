// The spare algorithm, sample by sample: add after `overloadTicks` samples of
// every worker busy, hold with exactly one free worker, retire one every
// `overloadTicks` idle samples down to `min`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpareAlgorithm } from '../../src/master/cheaper-spare.js';

describe('SpareAlgorithm', () => {
  it('adds `step` workers after overloadTicks busy samples, not before', () => {
    const spare = new SpareAlgorithm({ min: 1, step: 2, overloadTicks: 3 });
    assert.deepEqual([1, 2, 3].map(() => spare.sample({ active: 1, busy: 1, spare: 3 })), [0, 0, 2]);
  });

  it('adds no more than the spare slots', () => {
    const spare = new SpareAlgorithm({ min: 1, step: 4, overloadTicks: 1 });
    assert.equal(spare.sample({ active: 3, busy: 3, spare: 1 }), 1);
    assert.equal(spare.sample({ active: 4, busy: 4, spare: 0 }), 0);
  });

  it('holds with one free worker, retires one every overloadTicks idle samples down to min', () => {
    const spare = new SpareAlgorithm({ min: 2, step: 1, overloadTicks: 2 });
    assert.equal(spare.sample({ active: 4, busy: 3, spare: 0 }), 0);
    assert.deepEqual([1, 2, 3, 4].map(() => spare.sample({ active: 4, busy: 0, spare: 0 })), [0, -1, 0, -1]);
    assert.deepEqual([1, 2].map(() => spare.sample({ active: 2, busy: 0, spare: 2 })), [0, 0]);
  });

  it('a busy sample between idle ones delays the retirement', () => {
    const spare = new SpareAlgorithm({ min: 1, step: 1, overloadTicks: 2 });
    assert.equal(spare.sample({ active: 3, busy: 0, spare: 0 }), 0);
    assert.equal(spare.sample({ active: 3, busy: 3, spare: 0 }), 0);
    assert.equal(spare.sample({ active: 3, busy: 0, spare: 0 }), 0);
  });
});
