import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dispatch, type MasterToWorker, type MessageHandlers } from '../../src/ipc/protocol.js';

describe('IPC dispatch', () => {
  it('routes a message to the handler of its type and ignores unknown shapes', () => {
    const seen: string[] = [];
    const handlers: MessageHandlers<MasterToWorker> = {
      drain: () => seen.push('drain'),
      'activity-request': (message) => seen.push(`activity ${message.id}`),
    };
    dispatch(handlers, { type: 'activity-request', id: 7 });
    dispatch(handlers, { type: 'drain' });
    for (const junk of [null, 42, 'drain', {}, { type: 'nope' }, { type: 'toString' }]) dispatch(handlers, junk);
    assert.deepEqual(seen, ['activity 7', 'drain']);
  });
});
