// Pidfiles as root in a directory others can write: the temporary file is never
// opened through a planted symlink, a symlink at the pidfile path is refused, and
// only the pidfile this process wrote is ever removed. Real files, real flock(1).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync, readFileSync, readlinkSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import { UwError } from '../../src/errors.js';
import { readPidfile, removePidfile, rewritePidfile, writePidfile } from '../../src/process/pidfile.js';
import { TempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

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

  it('a lock held by someone who only read the file of a writer now gone does not block the next start', async () => {
    const path = dir.write('squatted.pid', '999999\n');
    // what a hostile reader does: open the 0644 file read-only and flock it (util-linux flock(1) on the path)
    const squatter = spawn('flock', ['--shared', path, 'sleep', '30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      await waitFor('the squatter to hold the lock', () => (spawnSync('flock', ['--exclusive', '--nonblock', path, 'true']).status === 1 ? true : undefined));
      // while the PID written in it runs, the lock is obeyed (rewritten in place: the same locked inode)
      writeFileSync(path, `${String(squatter.pid)}\n`);
      assert.throws(() => writePidfile(path), (err: unknown) => err instanceof UwError && err.code === 'UW_PIDFILE_LOCKED');
      // its writer gone, the lock is someone else's: the pidfile is replaced
      writeFileSync(path, '999999\n');
      writePidfile(path);
      assert.equal(readPidfile(path), process.pid);
      removePidfile(path);
    } finally {
      squatter.kill('SIGKILL');
    }
  });

  it('rewrites its own pidfile atomically and keeps it locked; one removed meanwhile comes back (master FIFO P)', () => {
    const path = dir.file('rewrite.pid');
    writePidfile(path);
    const before = statSync(path).ino;
    rewritePidfile(path);
    assert.notEqual(statSync(path).ino, before, 'a new file renamed into place, not the old one written over');
    assert.equal(readPidfile(path), process.pid);
    assert.equal(spawnSync('flock', ['--exclusive', '--nonblock', path, 'true']).status, 1, 'the new file is locked');
    rmSync(path);
    rewritePidfile(path);
    assert.equal(readPidfile(path), process.pid);
    assert.equal(spawnSync('flock', ['--exclusive', '--nonblock', path, 'true']).status, 1);
    removePidfile(path);
    assert.equal(existsSync(path), false);
    assert.deepEqual(readdirSync(dir.path).filter((name) => name.includes('rewrite.pid')), []);
  });

  it('reads a pidfile without echoing what else it holds', () => {
    const path = dir.write('garbage.pid', 'root:$6$secret\n');
    assert.throws(() => readPidfile(path), (err: unknown) => err instanceof Error && /expected a PID/.test(err.message) && !err.message.includes('secret'));
    writeFileSync(path, '');
  });
});
