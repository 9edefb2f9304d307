import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sameFingerprint, type Fingerprint } from '../../src/emperor/fingerprint.js';
import { reconcileFile } from '../../src/emperor/reconcile.js';

const fp = (mtimeNs: bigint, size = 10n, ino = 1n): Fingerprint => ({ ino, size, mtimeNs });

test('a new file creates, a gone file removes, an unknown missing file does nothing', () => {
  assert.equal(reconcileFile(undefined, fp(1n)), 'create');
  assert.equal(reconcileFile(fp(1n), null), 'remove');
  assert.equal(reconcileFile(undefined, null), 'none');
  assert.equal(reconcileFile(null, null), 'none');
});

test('any mtime difference is a change: forwards, backwards, within the same second', () => {
  assert.equal(reconcileFile(fp(2_000_000_000n), fp(3_000_000_000n)), 'change');
  assert.equal(reconcileFile(fp(3_000_000_000n), fp(1_000_000_000n)), 'change');
  assert.equal(reconcileFile(fp(3_000_000_001n), fp(3_000_000_002n)), 'change');
  assert.equal(reconcileFile(fp(3n), fp(3n)), 'none');
});

test('a new inode or size with the same mtime is a change (rename into place, cp -p)', () => {
  assert.equal(reconcileFile(fp(3n, 10n, 1n), fp(3n, 10n, 2n)), 'change');
  assert.equal(reconcileFile(fp(3n, 10n), fp(3n, 11n)), 'change');
});

test('a file back while its old master is stopping is a change', () => {
  assert.equal(reconcileFile(null, fp(1n)), 'change');
});

test('sameFingerprint treats two absent files as the same', () => {
  assert.ok(sameFingerprint(null, null));
  assert.ok(!sameFingerprint(null, fp(1n)));
});
