import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { ChangeSettler, EMPTY_QUIET_MS } from '../../src/emperor/change-settler.js';
import type { Fingerprint } from '../../src/emperor/fingerprint.js';
import { VirtualClock } from './emperor-virtual-clock.js';

/** One version; `digest` stands for the content (null: not read whole). */
const fp = (mtimeNs: bigint, size = 1n, digest: string | null = `content-${size}`): Fingerprint => ({ ino: 1n, size, mtimeNs, ...(digest !== null && { digest }) });

let clock: VirtualClock;
let disk: Map<string, Fingerprint>;
let settled: [string, Fingerprint | null][];
let settler: ChangeSettler;
let known: Map<string, Fingerprint>;

beforeEach(() => {
  clock = new VirtualClock();
  disk = new Map();
  settled = [];
  known = new Map();
  settler = new ChangeSettler({
    clock,
    settleMs: 25,
    probe: (path) => Promise.resolve(disk.get(path) ?? null),
    onSettled: (path, fingerprint) => settled.push([path, fingerprint]),
    known: (path) => known.get(path),
  });
});

test('one event settles after two agreeing looks: one at once, one settleMs later', async () => {
  disk.set('/v/a.ini', fp(1n));
  settler.touch('/v/a.ini');
  await clock.advance(24);
  assert.deepEqual(settled, []);
  await clock.advance(1);
  assert.deepEqual(settled, [['/v/a.ini', fp(1n)]]);
  await clock.advance(60);
  assert.equal(settler.size, 0, 'the trailing look found nothing new');
  assert.equal(settled.length, 1);
});

test('a change the watcher swallowed right after a settle is caught by the trailing look', async () => {
  known.set('/v/a.ini', fp(1n, 10n));
  disk.set('/v/a.ini', fp(2n, 10n));
  settler.touch('/v/a.ini');
  await clock.advance(0);
  assert.deepEqual(settled, [['/v/a.ini', fp(2n, 10n)]]);
  known.set('/v/a.ini', fp(2n, 10n));
  disk.set('/v/a.ini', fp(3n, 12n)); // an edit whose event never came
  await clock.advance(60 + 25);
  assert.deepEqual(settled, [['/v/a.ini', fp(2n, 10n)], ['/v/a.ini', fp(3n, 12n)]]);
});

test('a touch (same inode, size and content as the version acted on, new mtime) settles at once', async () => {
  known.set('/v/a.ini', fp(1n, 10n));
  disk.set('/v/a.ini', fp(2n, 10n));
  settler.touch('/v/a.ini');
  await clock.advance(0);
  assert.deepEqual(settled, [['/v/a.ini', fp(2n, 10n)]]);
});

test('a same-size rewrite (new content, new mtime) is no touch: it waits for two agreeing looks', async () => {
  // writeFile truncates, then writes: a look between the two, or a master's read, would see a half-written file
  known.set('/v/a.ini', fp(1n, 10n, 'version 1'));
  disk.set('/v/a.ini', fp(2n, 10n, 'version 2'));
  settler.touch('/v/a.ini');
  await clock.advance(0);
  assert.deepEqual(settled, []);
  await clock.advance(25);
  assert.deepEqual(settled, [['/v/a.ini', fp(2n, 10n, 'version 2')]]);
});

test('a touch whose content could not be read whole is no touch', async () => {
  known.set('/v/a.ini', fp(1n, 10n));
  disk.set('/v/a.ini', fp(2n, 10n, null));
  settler.touch('/v/a.ini');
  await clock.advance(0);
  assert.deepEqual(settled, []);
  await clock.advance(25);
  assert.deepEqual(settled, [['/v/a.ini', fp(2n, 10n, null)]]);
});

test('a mid-burst rewrite of the same size as the known version waits for the end of the burst', async () => {
  known.set('/v/a.ini', fp(0n, 24n, 'version 0'));
  for (let i = 1n; i <= 30n; i++) {
    disk.set('/v/a.ini', i % 2n === 0n ? fp(i, 0n, 'empty') : fp(i, i < 10n ? 24n : 25n, `version ${i}`));
    settler.touch('/v/a.ini');
    await clock.advance(1);
  }
  disk.set('/v/a.ini', fp(31n, 25n, 'version 31'));
  await clock.advance(100);
  assert.deepEqual(settled, [['/v/a.ini', fp(31n, 25n, 'version 31')]]);
});

test('an empty file settles only after EMPTY_QUIET_MS: a writer can stall between its truncate and its write', async () => {
  known.set('/v/a.ini', fp(1n, 10n));
  disk.set('/v/a.ini', fp(2n, 0n));
  settler.touch('/v/a.ini');
  await clock.advance(EMPTY_QUIET_MS - 1);
  assert.deepEqual(settled, [], 'two agreeing looks are not enough for an empty file');
  await clock.advance(1);
  assert.deepEqual(settled, [['/v/a.ini', fp(2n, 0n)]]);
});

test('a stalled writer: the file stays empty past the settle time, then gets its content', async () => {
  known.set('/v/a.ini', fp(1n, 10n));
  disk.set('/v/a.ini', fp(2n, 0n));
  settler.touch('/v/a.ini');
  await clock.advance(200);
  disk.set('/v/a.ini', fp(3n, 12n)); // the event for this write was throttled away
  await clock.advance(EMPTY_QUIET_MS);
  assert.deepEqual(settled, [['/v/a.ini', fp(3n, 12n)]]);
});

test('a changed size is no touch: it waits for two agreeing looks', async () => {
  known.set('/v/a.ini', fp(1n, 10n));
  disk.set('/v/a.ini', fp(2n, 11n));
  settler.touch('/v/a.ini');
  await clock.advance(0);
  assert.deepEqual(settled, []);
  await clock.advance(25);
  assert.deepEqual(settled, [['/v/a.ini', fp(2n, 11n)]]);
});

test('a burst of events gives one observation of the final content', async () => {
  for (let i = 1n; i <= 20n; i++) {
    disk.set('/v/a.ini', fp(i, i));
    settler.touch('/v/a.ini');
    await clock.advance(10);
  }
  assert.deepEqual(settled, []);
  await clock.advance(100);
  assert.deepEqual(settled, [['/v/a.ini', fp(20n, 20n)]]);
});

test('a file still growing without events is not settled until two looks agree', async () => {
  disk.set('/v/a.ini', fp(1n, 10n));
  settler.touch('/v/a.ini');
  await clock.advance(0);
  disk.set('/v/a.ini', fp(2n, 20n));
  await clock.advance(25);
  assert.deepEqual(settled, [], 'the second look saw a different file');
  await clock.advance(25);
  assert.deepEqual(settled, [['/v/a.ini', fp(2n, 20n)]]);
});

test('a removal settles as null; paths settle independently', async () => {
  disk.set('/v/b.ini', fp(5n));
  settler.touch('/v/a.ini');
  settler.touch('/v/b.ini');
  await clock.advance(50);
  assert.deepEqual(settled, [['/v/a.ini', null], ['/v/b.ini', fp(5n)]]);
});

test('close drops pending looks and ignores later events', async () => {
  settler.touch('/v/a.ini');
  settler.close();
  settler.touch('/v/b.ini');
  await clock.advance(1_000);
  assert.deepEqual(settled, []);
  assert.equal(clock.pending, 0);
});
