// One read from an IPC channel with a junk line among valid ones: Node
// delivered the lines before the junk and stops there; the salvage gives the
// valid lines after it, counts the junk, and keeps the unfinished last line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isInternalMessage, salvageRead } from '../../src/ipc/channel-salvage.js';

test('the valid lines after the junk, the junk counted, the unfinished tail kept', () => {
  const salvage = salvageRead('', '{"type":"a"}\ngarbage\n{"type":"b"}\nmore garbage\n{"type":"c"}\n{"type":"d","par');
  assert.deepEqual(salvage, { messages: [{ type: 'b' }, { type: 'c' }], junk: 2, tail: '{"type":"d","par', handleTaken: false });
});

test('what Node had buffered starts the first line; with no complete line it stays with the tail', () => {
  assert.deepEqual(salvageRead('{"type":', '"a"}\nnot json\n{"type":"b"}\n').messages, [{ type: 'b' }]);
  assert.deepEqual(salvageRead('{"ty', '"x\nnope\n').junk, 2, 'the buffered start joined to its end is junk too');
  assert.equal(salvageRead('{"ty', 'pe"').tail, '{"type"');
});

test('a NODE_HANDLE Node delivered before the junk took the read\'s descriptor', () => {
  assert.equal(salvageRead('', '{"cmd":"NODE_HANDLE","type":"net.Native","msg":{}}\njunk\n').handleTaken, true);
  const after = salvageRead('', 'junk\n{"cmd":"NODE_HANDLE","type":"net.Native","msg":{}}\n');
  assert.deepEqual([after.handleTaken, after.messages.length], [false, 1]);
});

test('internal messages are told apart as Node does', () => {
  assert.deepEqual([{ cmd: 'NODE_HANDLE' }, { cmd: 'NODE_' }, { cmd: 'NODEX' }, { type: 'ready' }, null, 'NODE_HANDLE'].map(isInternalMessage), [true, false, false, false, false, false]);
});
