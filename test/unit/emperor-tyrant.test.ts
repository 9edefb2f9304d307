// Tyrant mode's pure decisions: whom a master runs as from its file's owner,
// root refused unless allowed, and an owner change told from any other change;
// the fingerprint carries the owner (a chown is a change, not a touch).
import assert from 'node:assert/strict';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isTouchOnly } from '../../src/emperor/change-settler.js';
import { readFingerprint, sameFingerprint, type Fingerprint } from '../../src/emperor/fingerprint.js';
import { ownerChanged, tyrantIds } from '../../src/emperor/tyrant.js';

const print = (uid: number, gid: number, extra: Partial<Fingerprint> = {}): Fingerprint => ({ ino: 1n, size: 10n, mtimeNs: 5n, digest: 'd', uid, gid, ...extra });

describe('tyrant ids', () => {
  it('runs as the file\'s uid and gid', () => {
    assert.deepEqual(tyrantIds({ uid: 1001, gid: 1002 }, false), { ok: true, uid: 1001, gid: 1002 });
  });

  it('refuses uid 0 or gid 0 unless allowed, saying how to fix it', () => {
    for (const owner of [{ uid: 0, gid: 0 }, { uid: 1001, gid: 0 }, { uid: 0, gid: 1001 }]) {
      const refused = tyrantIds(owner, false);
      assert.equal(refused.ok, false);
      assert.match(refused.ok ? '' : refused.reason, new RegExp(`owned by uid ${owner.uid} gid ${owner.gid}.*tyrant-allow-root`));
      assert.deepEqual(tyrantIds(owner, true), { ok: true, ...owner });
    }
  });

  it('follows a symlink made by root or by the file\'s owner, not one of another user', () => {
    assert.deepEqual(tyrantIds({ uid: 1001, gid: 1001, linkUid: 0 }, false), { ok: true, uid: 1001, gid: 1001 });
    assert.deepEqual(tyrantIds({ uid: 1001, gid: 1001, linkUid: 1001 }, false), { ok: true, uid: 1001, gid: 1001 });
    const refused = tyrantIds({ uid: 1001, gid: 1001, linkUid: 1002 }, true);
    assert.match(refused.ok ? '' : refused.reason, /symlink of uid 1002 to a file of uid 1001/);
  });

  it('refuses a fingerprint without an owner', () => {
    assert.equal(tyrantIds({}, true).ok, false);
  });

  it('tells an owner change from a content change', () => {
    assert.equal(ownerChanged(print(1, 1), print(2, 1)), true);
    assert.equal(ownerChanged(print(1, 1), print(1, 2)), true);
    assert.equal(ownerChanged(print(1, 1), print(1, 1, { digest: 'other' })), false);
    assert.equal(ownerChanged(null, print(1, 1)), false);
    assert.equal(ownerChanged(print(1, 1), null), false);
  });
});

describe('the owner in a fingerprint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'uw-tyrant-unit-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a chown makes another version, and is not a touch', () => {
    assert.equal(sameFingerprint(print(1, 1), print(2, 1)), false);
    assert.equal(isTouchOnly(print(1, 1), print(2, 1, { mtimeNs: 6n })), false);
    assert.equal(isTouchOnly(print(1, 1), print(1, 1, { mtimeNs: 6n })), true);
  });

  it('is read from the file', { skip: process.getuid?.() !== 0 && 'chown needs root' }, async () => {
    const file = join(dir, 'app.ini');
    writeFileSync(file, '[uwsgi]\n');
    chownSync(file, 4321, 4322);
    const seen = await readFingerprint(file);
    assert.deepEqual([seen?.uid, seen?.gid], [4321, 4322]);
    chownSync(file, 4323, 4322);
    assert.equal(sameFingerprint(seen, await readFingerprint(file)), false);
  });
});
