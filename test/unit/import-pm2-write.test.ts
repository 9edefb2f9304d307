// Putting a vassal file in place: checked by uw's loader first, created 0644
// whatever the umask, never over an existing file without --force, never
// through (or over) a symlink, and no temporary file left behind.
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { writeVassal } from '../../src/cli/import-pm2-write.js';
import { TempDir } from '../helpers/temp-dir.js';

const dir = new TempDir();
after(() => dir.remove());
dir.write('a.js', '');

const vassalText = (comment: string): string => `; ${comment}\n[uwsgi]\nchdir = ${dir.path}\nscript = a.js\n`;
const tempFiles = (): string[] => readdirSync(dir.path).filter((name) => name.endsWith('.tmp'));

describe('import-pm2: writing a vassal file', () => {
  it('creates the file 0644 even under umask 077', async () => {
    const old = process.umask(0o077);
    try {
      assert.deepEqual(await writeVassal(dir.file('new.ini'), vassalText('new'), false), { kind: 'written' });
    } finally {
      process.umask(old);
    }
    assert.equal(statSync(dir.file('new.ini')).mode & 0o777, 0o644);
    assert.equal(readFileSync(dir.file('new.ini'), 'utf8'), vassalText('new'));
    assert.deepEqual(tempFiles(), []);
  });

  it('keeps an existing file unless forced, then replaces it', async () => {
    dir.write('old.ini', 'mine');
    assert.deepEqual(await writeVassal(dir.file('old.ini'), vassalText('import'), false), { kind: 'exists' });
    assert.equal(readFileSync(dir.file('old.ini'), 'utf8'), 'mine');
    assert.deepEqual(await writeVassal(dir.file('old.ini'), vassalText('import'), true), { kind: 'written' });
    assert.equal(readFileSync(dir.file('old.ini'), 'utf8'), vassalText('import'));
  });

  it('never writes through a symlink, dangling or not, nor replaces one with --force', async () => {
    dir.write('target.txt', 'precious');
    symlinkSync(dir.file('target.txt'), dir.file('link.ini'));
    symlinkSync(dir.file('nowhere.txt'), dir.file('dangling.ini'));
    assert.deepEqual(await writeVassal(dir.file('link.ini'), vassalText('x'), false), { kind: 'exists' });
    assert.deepEqual(await writeVassal(dir.file('dangling.ini'), vassalText('x'), false), { kind: 'exists' });
    const forced = await writeVassal(dir.file('link.ini'), vassalText('x'), true);
    assert.deepEqual(forced, { kind: 'refused', reason: `${dir.file('link.ini')} is a symbolic link: not replacing it` });
    assert.equal(readFileSync(dir.file('target.txt'), 'utf8'), 'precious');
    assert.ok(lstatSync(dir.file('link.ini')).isSymbolicLink());
    assert.equal(existsSync(dir.file('nowhere.txt')), false);
  });

  it('writes nothing uw cannot load, and says why with the final path', async () => {
    const outcome = await writeVassal(dir.file('bad.ini'), `[uwsgi]\nchdir = ${dir.path}\nscript = missing.js\n`, false);
    assert.equal(outcome.kind, 'refused');
    assert.match(outcome.kind === 'refused' ? outcome.reason : '', new RegExp(`^config error in ${dir.file('bad.ini')}: script: file ".*missing\\.js" not found \\[UW_APP_NOT_FOUND\\]$`));
    assert.equal(existsSync(dir.file('bad.ini')), false);
    assert.deepEqual(tempFiles(), []);
  });
});
