// Pidfiles as root in a directory others can write: the temporary file is never
// opened through a planted symlink, a symlink at the pidfile path is refused, and
// only the pidfile this process wrote is ever removed. Real files, real flock(1).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, readlinkSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UwError } from '../../src/errors.js';
import { readPidfile, removePidfile, writePidfile } from '../../src/process/pidfile.js';
import { TempDir } from '../helpers/temp-dir.js';

const dir = new TempDir();
after(() => dir.remove());

describe('pidfile', () => {
  it('writes the PID (mode 0644), reads it back, and removes it, leaving no temporary file', () => {
    const path = dir.file('plain.pid');
    writePidfile(path);
    assert.equal(readPidfile(path), process.pid);
    assert.equal(statSync(path).mode & 0o777, 0o644);
    removePidfile(path);
    assert.equal(existsSync(path), false);
    assert.deepEqual(readdirSync(dir.path).filter((name) => name.includes('plain.pid')), []);
  });

  it('does not write through a symlink planted at the old predictable temporary name', () => {
    const path = dir.file('temp.pid');
    const victim = dir.write('victim-temp.txt', 'precious\n');
    const planted = dir.file(`.${basename(path)}.${process.pid}.tmp`);
    symlinkSync(victim, planted);
    writePidfile(path);
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
    assert.equal(readlinkSync(planted), victim);
    assert.equal(readPidfile(path), process.pid);
    removePidfile(path);
  });

  it('refuses a symlink at the pidfile path, leaving it and its target alone', () => {
    const path = dir.file('link.pid');
    const victim = dir.write('victim-link.txt', 'precious\n');
    symlinkSync(victim, path);
    assert.throws(() => writePidfile(path), (err: unknown) => err instanceof UwError && err.code === 'UW_PATH_NOT_OURS' && /symbolic link/.test(err.message));
    assert.equal(readlinkSync(path), victim);
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
    assert.throws(() => readPidfile(path), /symbolic link/);
  });

  it('never removes a pidfile that is not the one it wrote', () => {
    const path = dir.file('replaced.pid');
    writePidfile(path);
    renameSync(dir.write('other.pid', '4242\n'), path);
    removePidfile(path);
    assert.equal(readFileSync(path, 'utf8'), '4242\n');
    const never = dir.write('never-written.pid', `${process.pid}\n`);
    removePidfile(never);
    assert.equal(existsSync(never), true, 'a pidfile naming our PID but not written by us stays');
  });

  it('takes over a stale pidfile nobody holds', () => {
    const path = dir.write('stale.pid', '999999\n');
    writePidfile(path);
    assert.equal(readPidfile(path), process.pid);
    removePidfile(path);
  });

  it('reads a pidfile without echoing what else it holds', () => {
    const path = dir.write('garbage.pid', 'root:$6$secret\n');
    assert.throws(() => readPidfile(path), (err: unknown) => err instanceof Error && /expected a PID/.test(err.message) && !err.message.includes('secret'));
    writeFileSync(path, '');
  });
});
