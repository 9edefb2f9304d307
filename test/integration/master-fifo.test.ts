// The master FIFO with a real `uw` master: every command byte, a stop made
// brutal from the FIFO, unknown bytes, a writer that stays open, and a burst.
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, constants, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { FIFO_COMMANDS } from '../../src/master/master-fifo-commands.js';
import { get } from '../helpers/http-client.js';
import { killAll } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { startMaster } from '../helpers/uw-master.js';
import { fifoVassal, kindAt, uwFifo, writeFifo } from './master-fifo-harness.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

describe('master FIFO commands', () => {
  it('hands every command byte to the master, with its effect where the command is built', async () => {
    const fifo = dir.file('all.fifo');
    const pidfile = dir.file('all.pid');
    const { cli } = await startMaster([fifoVassal(dir, 'all.ini', [fifo], `pidfile = ${pidfile}\n`)]);
    assert.equal(kindAt(fifo), 'fifo 600');

    assert.equal((await uwFifo(fifo, 's')).code, 0);
    await cli.waitForLog('stats');
    writeFifo(fifo, 'p\n');
    await cli.waitForLog('paused');
    writeFifo(fifo, 'p\n');
    await cli.waitForLog('resumed');
    writeFifo(fifo, 'r\n');
    await cli.waitForLog('reload finished', { mode: 'graceful' });
    writeFifo(fifo, 'R');
    await cli.waitForLog('reload finished', { mode: 'brutal' });
    const inode = statSync(pidfile).ino;
    writeFifo(fifo, 'P');
    await cli.waitForLog('pidfile written', { file: pidfile });
    assert.notEqual(statSync(pidfile).ino, inode, 'rewritten by a rename, not in place');
    assert.equal(Number(readFileSync(pidfile, 'utf8')), cli.pid);
    writeFifo(fifo, 'EB');
    await cli.waitForLog('no emperor governs this master', { command: 'emperor-rescan' });
    await cli.waitForLog('no emperor governs this master', { command: 'ask-reinforcements' });

    // every byte of the table reached Master.handle as its command (the stops last)
    const stops = new Set(['q', 'Q']);
    for (const [byte, command] of Object.entries(FIFO_COMMANDS).filter(([byte]) => !stops.has(byte))) {
      if (cli.find('master command', { command }).length === 0) writeFifo(fifo, byte);
      await cli.waitForLog('master command', { command });
    }
    writeFifo(fifo, 'q\n');
    await cli.waitForLog('master command', { command: 'stop' });
    assert.deepEqual(await cli.exited, { code: 0, signal: null });
    assert.equal(kindAt(fifo), null, 'the FIFO is removed at stop');
  });

  it('keeps reading during a graceful stop: Q makes it brutal', async () => {
    const fifo = dir.file('stop.fifo');
    const { cli, port } = await startMaster([fifoVassal(dir, 'stop.ini', [fifo])]);
    const slow = get({ port }, '/slow?ms=60000').catch((err: unknown) => err);
    await cli.waitForLog('app request', { path: '/slow' });
    writeFifo(fifo, 'q');
    await cli.waitForLog('shutdown started', { mode: 'graceful' });
    writeFifo(fifo, 'Q');
    await cli.waitForLog('shutdown escalated: killing the workers now');
    assert.deepEqual(await cli.exited, { code: 0, signal: null });
    assert.ok((await slow) instanceof Error, 'the killed worker cut its request');
    assert.equal(kindAt(fifo), null);
  });

  it('logs each unknown byte once, with its value, and runs the commands around it', async () => {
    const fifo = dir.file('unknown.fifo');
    const { cli } = await startMaster([fifoVassal(dir, 'unknown.ini', [fifo])]);
    const bytes = Uint8Array.of(0x78, 0x00, 0x78, 0xff, 0x73);
    writeFifo(fifo, bytes);
    await cli.waitForLog('master FIFO command', { command: 'stats' });
    writeFifo(fifo, bytes);
    await cli.waitForLog('master FIFO command', { command: 'stats' }, 2);
    const unknown = cli.find('unknown master FIFO command').map((line) => [line.byte, line.code]);
    assert.deepEqual(unknown, [['x', 0x78], ['0x00', 0x00], ['0xff', 0xff]]);
  });

  it('survives writers coming and going and a writer that never closes', async () => {
    const fifo = dir.file('open.fifo');
    const { cli } = await startMaster([fifoVassal(dir, 'open.ini', [fifo])]);
    const held = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    try {
      writeSync(held, 's');
      await cli.waitForLog('master FIFO command', { command: 'stats' });
      assert.equal((await uwFifo(fifo, 'p')).code, 0, 'another writer is heard while one stays open');
      await cli.waitForLog('paused');
      writeSync(held, 'p');
      await cli.waitForLog('resumed');
    } finally {
      closeSync(held);
    }
    // every writer gone: the master sees no end-of-file and hears the next one
    writeFifo(fifo, 'r');
    await cli.waitForLog('reload finished');
    writeFifo(fifo, 's');
    await cli.waitForLog('master FIFO command', { command: 'stats' }, 2);
    const stayer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    try {
      writeFifo(fifo, 'q');
      assert.deepEqual(await cli.exited, { code: 0, signal: null }, 'a writer still holding the FIFO does not hold up the stop');
    } finally {
      closeSync(stayer);
    }
    assert.deepEqual(cli.find('master FIFO lost'), []);
  });

  it('takes a burst of 10,000 bytes in chunks, coalescing repeated commands as signals are', async () => {
    const fifo = dir.file('burst.fifo');
    const { cli, port } = await startMaster([fifoVassal(dir, 'burst.ini', [fifo])]);
    writeFifo(fifo, 'rs'.repeat(5_000));
    writeFifo(fifo, 'p');
    // bytes are read in order: once the pause ran, the whole burst was handed over
    await cli.waitForLog('paused');
    const reloads = cli.find('master FIFO command', { command: 'reload' }).length;
    const stats = cli.find('master FIFO command', { command: 'stats' }).length;
    assert.ok(reloads >= 1 && reloads <= 5, `one reload asked per read, got ${reloads}`);
    assert.ok(stats >= 1 && stats <= 5, `one stats asked per read, got ${stats}`);
    writeFifo(fifo, 'p');
    await cli.waitForLog('resumed');
    await cli.waitForLog('reload finished');
    assert.ok(cli.find('reload started').length <= 2, 'a reload already pending is not queued twice');
    assert.equal((await get({ port })).status, 200);
  });
});
