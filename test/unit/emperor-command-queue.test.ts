import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandQueue } from '../../src/emperor/command-queue.js';

test('commands run later, in order, and one drain handles a burst', () => {
  const ran: string[] = [];
  const drains: (() => void)[] = [];
  const queue = new CommandQueue<string>((command) => ran.push(command), (drain) => drains.push(drain));
  queue.push('reload');
  queue.push('status');
  queue.push('stop');
  assert.deepEqual(ran, [], 'nothing runs inside push (the signal handler)');
  assert.equal(drains.length, 1);
  drains[0]?.();
  assert.deepEqual(ran, ['reload', 'status', 'stop']);
  queue.push('rescan');
  assert.equal(drains.length, 2);
});
