// The files and sockets a master and the emperor create, attacked by a real
// unprivileged user (as root): a symlink planted at the pidfile, master FIFO,
// stats socket or log path pointing at a root-owned file (in that user's
// directory), and a file, FIFO or socket of that user already there (in a
// sticky shared directory), are refused with one line and left alone,
// the root-owned target untouched; what is created has the documented modes.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lchownSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { APPS, UW_BIN } from '../helpers/paths.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { openTempDir, skipUnlessRoot, TestUsers, type TestUser } from '../helpers/test-users.js';
import { waitFor } from '../helpers/wait-for.js';
import { startEmperor, waitForState } from './emperor-harness.js';

const run = promisify(execFile);
const skip = skipUnlessRoot();

/** The surfaces under attack: the option that names the path, and how uw refuses what it finds there. */
const SURFACES = [
  { option: 'pidfile', code: 75 },
  { option: 'master-fifo', code: 75 },
  { option: 'stats', code: 75 },
  { option: 'logto', code: 2 },
] as const;

/** `uw FILE` that must fail at start: its exit code and stderr. */
async function failedStart(file: string): Promise<{ code: number; stderr: string }> {
  const failure = await run(process.execPath, [UW_BIN, file], { timeout: 15_000 }).then(
    () => undefined,
    (err: { code: number; stderr: string }) => err,
  );
  assert.ok(failure !== undefined, `uw ${file} should have refused to start`);
  return { code: failure.code, stderr: failure.stderr };
}

/** Mode, owner and content: what must not change in a target. */
function fingerprint(path: string): string {
  const stats = lstatSync(path);
  const content = stats.isFile() ? readFileSync(path, 'utf8') : '';
  return `${(stats.mode & 0o7777).toString(8)} ${stats.uid}:${stats.gid} ${stats.isFile() ? 'file' : stats.isSocket() ? 'socket' : stats.isFIFO() ? 'fifo' : stats.isSymbolicLink() ? 'symlink' : 'other'} ${content}`;
}

describe('control surfaces against a hostile user', { skip }, () => {
  const users = new TestUsers();
  let mallory: TestUser;
  let base: ReturnType<typeof openTempDir>;
  /** a sticky world-writable directory, as /tmp or a shared /run/app: mallory can plant things in it */
  let shared: string;
  /** mallory's own directory (not sticky: the kernel's protected_symlinks does not apply), where a root master was told to write */
  let malloryDir: string;
  /** root's file, the target of every planted symlink */
  let precious: string;
  before(() => {
    mallory = users.user('uwt-mallory');
    base = openTempDir('uw-surfaces-');
    shared = join(base.path, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    malloryDir = join(base.path, 'mallory');
    mkdirSync(malloryDir);
    chownSync(malloryDir, mallory.uid, mallory.gid);
    precious = join(base.path, 'precious');
    writeFileSync(precious, 'root only\n');
    chmodSync(precious, 0o600);
  });
  after(async () => {
    await killAll();
    base.remove();
    users.remove();
  });

  const vassal = (name: string, option: string, path: string): string => {
    const file = join(base.path, name);
    writeFileSync(file, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\n${option} = ${path}\n`);
    return file;
  };

  for (const { option, code } of SURFACES) {
    test(`${option}: mallory's symlink to a root file is refused, the target untouched`, async () => {
      const link = join(malloryDir, `${option}-link`);
      symlinkSync(precious, link);
      lchownSync(link, mallory.uid, mallory.gid);
      const before = fingerprint(precious);
      const failure = await failedStart(vassal(`${option}-link.ini`, option, link));
      assert.equal(failure.code, code, failure.stderr);
      assert.equal(failure.stderr.trim().split('\n').length, 1, `one line: ${failure.stderr}`);
      assert.match(failure.stderr, new RegExp(`${option}.*symbolic link|symlink`), failure.stderr);
      assert.equal(fingerprint(precious), before, 'the root file is untouched');
      assert.ok(lstatSync(link).isSymbolicLink(), 'the link is left alone');
    });

    test(`${option}: a file of mallory's already at the path is refused and left alone`, async () => {
      const path = join(shared, `${option}-planted`);
      // what a master would find there: a regular file, or for the FIFO and the socket their own kind
      if (option === 'master-fifo') execFileSync('mkfifo', ['-m', '0666', path]);
      else if (option === 'stats') execFileSync('python3', ['-c', `import socket; socket.socket(socket.AF_UNIX).bind(${JSON.stringify(path)})`]);
      else writeFileSync(path, 'mallory\n', { mode: 0o666 });
      chownSync(path, mallory.uid, mallory.gid);
      const before = fingerprint(path);
      const failure = await failedStart(vassal(`${option}-planted.ini`, option, path));
      assert.equal(failure.code, code, failure.stderr);
      assert.equal(failure.stderr.trim().split('\n').length, 1, `one line: ${failure.stderr}`);
      assert.match(failure.stderr, new RegExp(`owned by uid ${mallory.uid}|belongs to another user`), failure.stderr);
      assert.equal(fingerprint(path), before, 'mallory\'s file is untouched');
    });
  }

  test('what a master creates has the documented modes, owned by its user', async (t) => {
    t.after(killAll);
    const dir = join(base.path, 'made');
    mkdirSync(dir);
    const [pidfile, fifo, stats, logto] = ['app.pid', 'app.fifo', 'stats.sock', 'app.log'].map((name) => join(dir, name)) as [string, string, string, string];
    const file = join(dir, 'app.ini');
    writeFileSync(file, `[uwsgi]\nhttp-socket = ${join(dir, 'app.sock')}\nmodule = ${APPS}hello.mjs\npidfile = ${pidfile}\nmaster-fifo = ${fifo}\nstats = ${stats}\nlog-format = json\n`);
    // a umask of 0 (inherited by the master) must not widen anything
    const umask = process.umask(0);
    const master = new SpawnedCli(UW_BIN, [file, '--logto', logto]);
    process.umask(umask);
    await waitFor('the master ready in its log file', () => (existsSync(logto) && readFileSync(logto, 'utf8').includes('"master ready"') ? true : undefined), 15_000);
    assert.equal(master.child.exitCode, null, 'the master still runs');
    const modeOf = (path: string) => `${(lstatSync(path).mode & 0o777).toString(8)} ${lstatSync(path).uid}`;
    assert.deepEqual(
      { pidfile: modeOf(pidfile), fifo: modeOf(fifo), stats: modeOf(stats), logto: modeOf(logto) },
      { pidfile: '644 0', fifo: '600 0', stats: '600 0', logto: '640 0' },
    );
  });

  test('the emperor\'s control socket is 0600 and its stats TCP port is on loopback', async (t) => {
    t.after(killAll);
    const dir = join(base.path, 'emperor');
    mkdirSync(dir);
    const control = join(dir, 'control.sock');
    writeFileSync(join(dir, 'app.ini'), `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\n`);
    const emperor = startEmperor([dir, '--control', control, '--stats', ':0'], { fake: false });
    await waitForState(emperor, 'app.ini', 'ready');
    const listening = await emperor.waitForLog('emperor statistics listening', {});
    assert.equal((lstatSync(control).mode & 0o777).toString(8), '600');
    assert.match(String(listening.stats), /^127\.0\.0\.1:\d+$/);
  });
});
