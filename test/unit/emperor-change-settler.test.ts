import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { ChangeSettler } from '../../src/emperor/change-settler.js';
import type { Fingerprint } from '../../src/emperor/fingerprint.js';
import { VirtualClock } from './emperor-virtual-clock.js';

const fp = (mtimeNs: bigint, size = 1n): Fingerprint => ({ ino: 1n, size, mtimeNs });

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
  disk.set('/v/a.ini', fp(3n, 12n)); // an edit chokidar dropped (within its 50 ms throttle)
  await clock.advance(60 + 25);
  assert.deepEqual(settled, [['/v/a.ini', fp(2n, 10n)], ['/v/a.ini', fp(3n, 12n)]]);
});

test('a touch (same inode and size as the version acted on, new mtime) settles at once', async () => {
  known.set('/v/a.ini', fp(1n, 10n));
  disk.set('/v/a.ini', fp(2n, 10n));
  settler.touch('/v/a.ini');
  await clock.advance(0);
  assert.deepEqual(settled, [['/v/a.ini', fp(2n, 10n)]]);
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
