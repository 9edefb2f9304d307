// The master FIFO's command table and how a read of bytes is decoded: uWSGI's
// letters, slot digits, ignored newlines, unknown bytes, and coalescing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { COUNTED_COMMANDS, decodeFifoBytes, FIFO_COMMANDS, showByte, unknownFifoBytes } from '../../src/master/master-fifo-commands.js';

const decode = (text: string): ReturnType<typeof decodeFifoBytes> => decodeFifoBytes(Buffer.from(text, 'latin1'));
const commandsOf = (text: string): string[] => decode(text).commands.map((c) => c.command);

describe('master FIFO command table', () => {
  it("is uWSGI's letters (core/fifo.c), plus U for restore-snapshot", () => {
    assert.deepEqual(FIFO_COMMANDS, {
      r: 'reload',
      R: 'brutal-reload',
      q: 'stop',
      Q: 'kill',
      s: 'stats',
      w: 'reload-workers',
      W: 'reload-workers-brutal',
      c: 'chain-reload',
      p: 'pause-toggle',
      l: 'reopen-logs',
      P: 'write-pidfiles',
      '+': 'add-worker',
      '-': 'remove-worker',
      E: 'emperor-rescan',
      B: 'ask-reinforcements',
      U: 'restore-snapshot',
    });
  });

  it('runs every byte of `echo +++s`: four commands, the newline ignored', () => {
    assert.deepEqual(commandsOf('+++s\n'), ['add-worker', 'add-worker', 'add-worker', 'stats']);
    assert.deepEqual(decode('+++s\n').commands[3], { byte: 's', command: 'stats' });
  });

  it('coalesces a command repeated in one read, as signals are, except the counted ones', () => {
    assert.deepEqual(commandsOf('rrrsrs\r\n'), ['reload', 'stats']);
    assert.deepEqual(commandsOf('pp'), ['pause-toggle', 'pause-toggle']);
    assert.deepEqual(commandsOf('-r-'), ['remove-worker', 'reload', 'remove-worker']);
    assert.deepEqual([...COUNTED_COMMANDS].sort(), ['add-worker', 'pause-toggle', 'remove-worker']);
    const burst = decode('r'.repeat(10_000));
    assert.equal(burst.commands.length, 1);
  });

  it('keeps the order in which commands were first asked', () => {
    assert.deepEqual(commandsOf('qrq'), ['stop', 'reload']);
    assert.deepEqual(commandsOf('Rr'), ['brutal-reload', 'reload']);
  });

  it('reads a digit as a slot switch: the last one of a read wins, commands around it still run', () => {
    assert.deepEqual(decode('1'), { commands: [], slot: 1, unknown: [] });
    const read = decode('2s09q');
    assert.equal(read.slot, 9);
    assert.deepEqual(read.commands.map((c) => c.command), ['stats', 'stop']);
    assert.equal(decode('r').slot, null);
  });

  it('names each distinct unknown byte once, by value, and runs the rest', () => {
    const read = decodeFifoBytes(Uint8Array.of(0x78, 0x00, 0x78, 0xff, 0x20, 0x72));
    assert.deepEqual(read.unknown, [0x78, 0x00, 0xff, 0x20]);
    assert.deepEqual(read.commands, [{ byte: 'r', command: 'reload' }]);
    assert.deepEqual([0x78, 0x00, 0xff, 0x20].map(showByte), ['x', '0x00', '0xff', '0x20']);
  });

  it('tells uw --fifo which characters it would refuse', () => {
    assert.deepEqual(unknownFifoBytes('r+s0\n'), []);
    assert.deepEqual(unknownFifoBytes('rxé x'), ['x', 'é', ' ']);
  });
});
