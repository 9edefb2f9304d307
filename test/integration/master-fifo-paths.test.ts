// The master FIFO on disk: slots 0-9, safe creation (symlink, regular file, a
// FIFO someone reads, a stale FIFO), kept and moved across reloads, removed at
// stop only if it is still ours, and what `uw --fifo` refuses.
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { UW_BIN } from '../helpers/paths.js';
import { killAll } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { startMaster } from '../helpers/uw-master.js';
import { fifoVassal, kindAt, uwFifo, writeFifo } from './master-fifo-harness.js';

const run = promisify(execFile);
const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

/** `uw FILE` that must fail at start: its exit code and stderr. */
async function failedStart(file: string): Promise<{ code: number; stderr: string }> {
  const failure = await run(process.execPath, [UW_BIN, file], { timeout: 15_000 }).then(
    () => undefined,
    (err: { code: number; stderr: string }) => err,
  );
  assert.ok(failure !== undefined, 'uw should have refused to start');
  return { code: failure.code, stderr: failure.stderr };
}

describe('master FIFO on disk', () => {
  it('moves to the slot a digit names, removing the old path; a slot not configured is refused', async () => {
    const [f0, f1, f2] = [dir.file('slot0.fifo'), dir.file('slot1.fifo'), dir.file('slot2.fifo')];
    const { cli } = await startMaster([fifoVassal(dir, 'slots.ini', [f0, f1, f2])]);
    assert.deepEqual([kindAt(f0), kindAt(f1), kindAt(f2)], ['fifo 600', null, null], 'the first is active');
    writeFifo(f0, '2s');
    await cli.waitForLog('master FIFO moved', { slot: 2, path: f2 });
    assert.ok(cli.find('master FIFO command', { command: 'stats' }).length === 1, 'the bytes read with the digit still ran');
    assert.deepEqual([kindAt(f0), kindAt(f2)], [null, 'fifo 600']);
    writeFifo(f2, '7');
    await cli.waitForLog('no master FIFO in that slot', { slot: 7 });
    writeFifo(f2, '2');
    await cli.waitForLog('master FIFO already in that slot', { slot: 2 });
    const gone = await uwFifo(f0, 'r');
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /no FIFO at .*slot0\.fifo/);
    // the freed path is another master's to take, beside the first (uWSGI's slot dance)
    const successor = await startMaster([fifoVassal(dir, 'successor.ini', [f0])]);
    writeFifo(f0, 's');
    await successor.cli.waitForLog('master FIFO command', { command: 'stats' });
    writeFifo(f0, 'q');
    assert.deepEqual(await successor.cli.exited, { code: 0, signal: null });
    writeFifo(f2, '1');
    await cli.waitForLog('master FIFO moved', { slot: 1, path: f1 });
    writeFifo(f1, 'q');
    assert.deepEqual(await cli.exited, { code: 0, signal: null });
    assert.deepEqual([kindAt(f0), kindAt(f1), kindAt(f2)], [null, null, null]);
  });

  it('refuses a symlink or a regular file at the path (UW_PATH_NOT_OURS, exit 75) and leaves it alone', async () => {
    const target = dir.write('precious.txt', 'precious\n');
    const link = dir.file('link.fifo');
    symlinkSync(target, link);
    const viaLink = await failedStart(fifoVassal(dir, 'link.ini', [link]));
    assert.equal(viaLink.code, 75);
    assert.match(viaLink.stderr, /option "master-fifo": .*link\.fifo exists and is a symbolic link, not a FIFO: not replacing it \[UW_PATH_NOT_OURS\]/);
    assert.equal(viaLink.stderr.trim().split('\n').length, 1, 'one line');
    assert.equal(kindAt(link), 'symlink');
    const file = dir.write('file.fifo', 'mine\n');
    const onFile = await failedStart(fifoVassal(dir, 'file.ini', [file]));
    assert.equal(onFile.code, 75);
    assert.match(onFile.stderr, /file\.fifo exists and is a regular file, not a FIFO.*\[UW_PATH_NOT_OURS\]/);
    assert.equal(readFileSync(file, 'utf8'), 'mine\n');
    assert.equal(readFileSync(target, 'utf8'), 'precious\n');
  });

  it('refuses a FIFO another process reads, and replaces a stale one with a fresh 0600 FIFO', async () => {
    const live = dir.file('live.fifo');
    execFileSync('mkfifo', ['-m', '0666', live]);
    const reader = openSync(live, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const refused = await failedStart(fifoVassal(dir, 'live.ini', [live]));
      assert.equal(refused.code, 75);
      assert.match(refused.stderr, /live\.fifo is a FIFO another process reads \(another master\?\): not taking it over \[UW_PATH_NOT_OURS\]/);
    } finally {
      closeSync(reader);
    }
    const staleInode = statSync(live).ino;
    const { cli } = await startMaster([fifoVassal(dir, 'stale.ini', [live])]);
    assert.equal(kindAt(live), 'fifo 600');
    assert.notEqual(statSync(live).ino, staleInode, 'a new FIFO, not the stale one reused');
    assert.equal((await uwFifo(live, 's')).code, 0);
    await cli.waitForLog('master FIFO command', { command: 'stats' });
  });

  it('keeps the FIFO across reloads and moves it when the option changes; a new path that is not ours keeps the old', async () => {
    const [a, b] = [dir.file('a.fifo'), dir.file('b.fifo')];
    const file = fifoVassal(dir, 'move.ini', [a]);
    const { cli } = await startMaster([file]);
    const inode = statSync(a).ino;
    writeFifo(a, 'r');
    await cli.waitForLog('reload finished');
    assert.equal(statSync(a).ino, inode, 'the same FIFO after a reload');
    writeFileSync(file, readFileSync(file, 'utf8').replace(a, b));
    writeFifo(a, 'r');
    await cli.waitForLog('master FIFO moved', { path: b });
    assert.deepEqual([kindAt(a), kindAt(b)], [null, 'fifo 600']);
    const blocker = dir.write('blocked.fifo', 'not a fifo\n');
    writeFileSync(file, readFileSync(file, 'utf8').replace(b, blocker));
    writeFifo(b, 'r');
    const notMoved = await cli.waitForLog('master FIFO not moved', { path: blocker });
    assert.match(String(notMoved.error), /regular file.*UW_PATH_NOT_OURS/);
    writeFifo(b, 's');
    await cli.waitForLog('master FIFO command', { command: 'stats' });
    assert.equal(readFileSync(blocker, 'utf8'), 'not a fifo\n');
  });

  it('at stop, removes only the FIFO it made: a file put at the path meanwhile stays', async () => {
    const fifo = dir.file('swapped.fifo');
    const { cli } = await startMaster([fifoVassal(dir, 'swapped.ini', [fifo])]);
    renameSync(dir.write('swap.txt', 'someone else\n'), fifo);
    cli.signal('SIGINT');
    assert.deepEqual(await cli.exited, { code: 0, signal: null });
    assert.equal(readFileSync(fifo, 'utf8'), 'someone else\n');
  });

  it('uw --fifo: no reader, not a FIFO, an unknown command, and an eleventh master-fifo are one clear line each', async () => {
    const stale = dir.file('noreader.fifo');
    execFileSync('mkfifo', [stale]);
    assert.deepEqual(await uwFifo(stale, 'r'), { code: 1, stderr: `uw: no master reads ${stale}\n` });
    const plain = dir.write('plain.txt', 'keep\n');
    assert.deepEqual(await uwFifo(plain, 'r'), { code: 1, stderr: `uw: ${plain} is a regular file, not a FIFO: not writing to it\n` });
    assert.equal(readFileSync(plain, 'utf8'), 'keep\n');
    const unknown = await uwFifo(stale, 'rx');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /--fifo: unknown command "x".*\[UW_USAGE\]/);
    assert.equal((await uwFifo(stale)).code, 2);
    const eleven = Array.from({ length: 11 }, (_, i) => dir.file(`many${i}.fifo`));
    const tooMany = await failedStart(fifoVassal(dir, 'many.ini', eleven));
    assert.equal(tooMany.code, 2);
    assert.match(tooMany.stderr, /option "master-fifo": expected at most 10 master-fifo paths \(slots 0-9\).*\[UW_CONFIG_INVALID_VALUE\]/);
  });
});
