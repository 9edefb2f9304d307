import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readFingerprint, sameFingerprint, statUnchanged, type Fingerprint } from '../../src/emperor/fingerprint.js';

const dir = mkdtempSync(join(tmpdir(), 'uw-fingerprint-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a same-size rewrite gets a new digest even when stat cannot tell', async () => {
  const file = join(dir, 'a.ini');
  writeFileSync(file, 'version = 1\n');
  const first = await readFingerprint(file);
  writeFileSync(file, 'version = 2\n');
  // the same mtime as before: two writes within one tick of the kernel's clock
  utimesSync(file, new Date(Number((first?.mtimeNs ?? 0n) / 1_000_000n)), new Date(Number((first?.mtimeNs ?? 0n) / 1_000_000n)));
  const second = await readFingerprint(file);
  assert.ok(first?.digest !== undefined && second?.digest !== undefined);
  assert.equal(first.size, second.size);
  assert.notEqual(first.digest, second.digest);
  assert.ok(!sameFingerprint(first, second));
});

test('a touch keeps the digest and changes the mtime', async () => {
  const file = join(dir, 'b.ini');
  writeFileSync(file, 'x = 1\n');
  const first = await readFingerprint(file);
  utimesSync(file, new Date(), new Date(Date.now() + 5_000));
  const second = await readFingerprint(file);
  assert.equal(second?.digest, first?.digest);
  assert.notEqual(second?.mtimeNs, first?.mtimeNs);
});

test('a FIFO, a device, a directory and a missing path are no vassal file, and none is read', async () => {
  const fifo = join(dir, 'fifo.ini');
  execFileSync('mkfifo', [fifo]);
  mkdirSync(join(dir, 'dir.ini'));
  symlinkSync('/dev/null', join(dir, 'device.ini'));
  assert.equal(await readFingerprint(fifo), null);
  assert.equal(await readFingerprint(join(dir, 'device.ini')), null);
  assert.equal(await readFingerprint(join(dir, 'dir.ini')), null);
  assert.equal(await readFingerprint(join(dir, 'missing.ini')), null);
});

test('a periodic rescan takes a file whose stat matches the known fingerprint as it is, without reading it', async () => {
  const file = join(dir, 'rescan.ini');
  writeFileSync(file, 'version = 1\n');
  const known = await readFingerprint(file);
  assert.ok(known?.digest !== undefined && known.ctimeNs !== undefined);
  // the same object back: nothing was read or hashed
  assert.equal(await readFingerprint(file, known), known);
  // a known fingerprint whose ctime differs (the file changed status since) is read again
  const older = { ...known, ctimeNs: known.ctimeNs - 1n, digest: 'stale' };
  const again = await readFingerprint(file, older);
  assert.notEqual(again, older);
  assert.equal(again?.digest, known.digest);
  // without a known fingerprint (a file event), always read
  assert.notEqual(await readFingerprint(file), known);
});

test("a rescan's synchronous first look: unchanged only while the stat, the link's owner and a digest all match", async () => {
  const file = join(dir, 'first-look.ini');
  writeFileSync(file, 'version = 1\n');
  const known = await readFingerprint(file);
  assert.ok(known !== null);
  assert.equal(statUnchanged(file, known), true);
  assert.equal(statUnchanged(file, null), false, 'nothing known: a full look');
  const undigested: Fingerprint = { ino: known.ino, size: known.size, mtimeNs: known.mtimeNs };
  assert.equal(statUnchanged(file, undigested), false, 'known without a digest: a full look');
  const link = join(dir, 'first-look-link.ini');
  symlinkSync(file, link);
  assert.equal(statUnchanged(link, known), false, 'a symlink now stands where the file was known without one');
  const throughLink = await readFingerprint(link);
  assert.equal(statUnchanged(link, throughLink), true);
  utimesSync(file, new Date(), new Date(Date.now() + 5_000));
  assert.equal(statUnchanged(file, known), false, 'a touch');
  assert.equal(statUnchanged(link, throughLink), false, 'a touch of the target');
  rmSync(file);
  assert.equal(statUnchanged(link, await readFingerprint(link)), false, 'dangling');
  assert.equal(statUnchanged(file, known), false, 'gone');
});
