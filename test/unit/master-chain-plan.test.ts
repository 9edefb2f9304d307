import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startChain, stepChain, type ChainEffect, type ChainEvent, type ChainState } from '../../src/master/chain-plan.js';

/** Run `events` from the start of a chain over `slots` slots (or the slots of an order); every effect in order, and the final state. */
function run(slots: number | readonly number[], events: readonly ChainEvent[]): { state: ChainState; effects: ChainEffect[] } {
  const order = typeof slots === 'number' ? Array.from({ length: slots }, (_, index) => index) : slots;
  let { state, effects } = startChain(order);
  const all = [...effects];
  for (const event of events) {
    ({ state, effects } = stepChain(state, event, order));
    all.push(...effects);
  }
  return { state, effects: all };
}

const settled: ChainEvent = { type: 'settled' };
const ready: ChainEvent = { type: 'ready' };

describe('chain reload plan', () => {
  it('replaces slot after slot: boot, ready, swap, and the next boots only once no worker retires', () => {
    const { state, effects } = run(3, [settled, ready, settled, ready, settled, ready]);
    assert.deepEqual(effects, [
      { type: 'boot', slot: 0 },
      { type: 'swap', slot: 0 },
      { type: 'boot', slot: 1 },
      { type: 'swap', slot: 1 },
      { type: 'boot', slot: 2 },
      { type: 'swap', slot: 2 },
    ]);
    assert.deepEqual(state, { phase: 'done' });
  });

  it('boots nothing while an old worker still drains: a replacement ready early does not start the next', () => {
    // ready before any settled: ignored, nothing was booted
    assert.deepEqual(run(2, [ready]).effects, []);
    // after the swap of slot 0, a second ready (before settled) boots nothing either
    const { state, effects } = run(2, [settled, ready, ready]);
    assert.deepEqual(effects, [{ type: 'boot', slot: 0 }, { type: 'swap', slot: 0 }]);
    assert.deepEqual(state, { phase: 'settling', at: 1, slot: 1 });
  });

  it('stops at a replacement that is not ready: it is discarded, the slots after it keep their workers', () => {
    const { state, effects } = run(3, [settled, ready, settled, { type: 'not-ready', reason: 'worker 2 was not ready within 500 ms' }, settled, ready]);
    assert.deepEqual(effects, [{ type: 'boot', slot: 0 }, { type: 'swap', slot: 0 }, { type: 'boot', slot: 1 }, { type: 'discard', slot: 1 }]);
    assert.deepEqual(state, { phase: 'stopped', at: 1, slot: 1, reason: 'worker 2 was not ready within 500 ms' });
  });

  it('ends where it is when the master stops, discarding a replacement still booting', () => {
    assert.deepEqual(run(2, [settled, { type: 'cancel', reason: 'stopping' }]).effects, [{ type: 'boot', slot: 0 }, { type: 'discard', slot: 0 }]);
    const settling = run(2, [settled, ready, { type: 'cancel', reason: 'stopping' }]);
    assert.deepEqual(settling.effects, [{ type: 'boot', slot: 0 }, { type: 'swap', slot: 0 }]);
    assert.deepEqual(settling.state, { phase: 'stopped', at: 1, slot: 1, reason: 'stopping' });
  });

  it('ignores every event once done or stopped', () => {
    const finals: ChainState[] = [{ phase: 'done' }, { phase: 'stopped', at: 0, slot: 0, reason: 'x' }];
    const events: ChainEvent[] = [settled, ready, { type: 'not-ready', reason: 'y' }, { type: 'cancel', reason: 'z' }];
    for (const final of finals) {
      for (const event of events) {
        assert.deepEqual(stepChain(final, event, [0, 1]), { state: final, effects: [] });
      }
    }
  });

  it('replaces only the slots of its order, and is done at once with none', () => {
    const { state, effects } = run([0, 2], [settled, ready, settled, { type: 'not-ready', reason: 'no' }]);
    assert.deepEqual(effects, [{ type: 'boot', slot: 0 }, { type: 'swap', slot: 0 }, { type: 'boot', slot: 2 }, { type: 'discard', slot: 2 }]);
    assert.deepEqual(state, { phase: 'stopped', at: 1, slot: 2, reason: 'no' });
    assert.deepEqual(startChain([]), { state: { phase: 'done' }, effects: [] });
  });

  it('never has more than one replacement booting: a boot always follows a swap or a discard of the previous one', () => {
    const { effects } = run(4, [settled, ready, settled, ready, settled, ready, settled, ready]);
    let booting = 0;
    for (const effect of effects) {
      booting += effect.type === 'boot' ? 1 : -1;
      assert.ok(booting === 0 || booting === 1, `${booting} replacements booting`);
    }
  });
});
