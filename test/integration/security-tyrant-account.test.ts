// A tyrant master's account, for real as root: its environment is an allow-list
// with HOME, USER, LOGNAME and SHELL from the owner's passwd entry (none of the
// emperor's secrets reach the master or its workers); its gid is the file's
// group only when the owner belongs to it (not a group a setgid directory gave
// the file); with vassal-logto-dir each owner logs in a subdirectory of its own,
// where a co-tenant cannot plant anything at its log's name.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../helpers/free-port.js';
import { readableBuild, type ReadableBuild } from '../helpers/readable-build.js';
import { killAll, type SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { openTempDir, skipUnlessRoot, TestUsers, type TestUser } from '../helpers/test-users.js';
import { waitFor } from '../helpers/wait-for.js';
import { startEmperor, waitForState } from './emperor-harness.js';

const skip = skipUnlessRoot();

/** The environment of a live process, as a map. */
function environOf(pid: number): Map<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return new Map(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

/** The real gid of a live process. */
function gidOf(pid: number): number {
  return Number(/^Gid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

async function masterPid(emperor: SpawnedCli, vassal: string): Promise<number> {
  return Number((await emperor.waitForLog('master spawned', { vassal })).masterPid);
}

describe('tyrant mode: the owner\'s account', { skip }, () => {
  const users = new TestUsers();
  let alice: TestUser;
  let bob: TestUser;
  let extra: number;
  let base: ReturnType<typeof openTempDir>;
  let scratch: TempDir;
  let build: ReadableBuild;
  let dirs = 0;
  const vassal = (port: number, more = '') => `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${build.apps}hello.mjs\nprocesses = 1\n${more}`;
  const tyrant = (dir: string, more: readonly string[] = [], env: NodeJS.ProcessEnv = {}) =>
    startEmperor(['--master-bin', build.uwBin, dir, '--tyrant', 'true', ...more], { fake: false, env });
  /** A root-owned vassal directory the owners can enter but not write. */
  const makeDir = (mode = 0o755, gid = 0): string => {
    const dir = join(base.path, `vassals-${++dirs}`);
    mkdirSync(dir);
    chownSync(dir, 0, gid);
    chmodSync(dir, mode);
    return dir;
  };
  const ownedFile = (dir: string, name: string, text: string, owner: TestUser, gid = owner.gid): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    chownSync(file, owner.uid, gid);
    return file;
  };

  before(() => {
    extra = users.group('uwt-acct-extra');
    alice = users.user('uwt-acct-alice', ['uwt-acct-extra']);
    bob = users.user('uwt-acct-bob');
    base = openTempDir('uw-tyrant-account-');
    scratch = new TempDir();
    build = readableBuild(scratch);
  });
  after(async () => {
    await killAll();
    base.remove();
    scratch.remove();
    users.remove();
  });

  test('the master and its workers get an allow-listed environment with the owner\'s HOME, USER, LOGNAME and SHELL; env = K=V still applies', async (t) => {
    t.after(killAll);
    const dir = makeDir();
    ownedFile(dir, 'app.ini', vassal(await freePort(), 'env = APP_MODE=blue\n'), alice);
    const emperor = tyrant(dir, [], { SECRET_TOKEN: 'root-only-5e1f', HOME: '/root', NODE_OPTIONS: '--no-warnings', LC_ALL: 'C.UTF-8', TZ: 'UTC' });
    await waitForState(emperor, 'app.ini', 'ready');
    const passwd = readFileSync('/etc/passwd', 'utf8').split('\n').find((line) => line.startsWith(`${alice.name}:`))?.split(':') ?? [];
    const master = environOf(await masterPid(emperor, 'app.ini'));
    assert.equal(master.get('SECRET_TOKEN'), undefined, 'the emperor\'s secrets stay with the emperor');
    assert.equal(master.get('NODE_OPTIONS'), undefined);
    assert.deepEqual(['HOME', 'USER', 'LOGNAME', 'SHELL'].map((key) => master.get(key)), [passwd[5], alice.name, alice.name, passwd[6]]);
    assert.deepEqual([master.get('LC_ALL'), master.get('TZ'), master.get('PATH') !== undefined], ['C.UTF-8', 'UTC', true]);
    const worker = environOf(Number((await emperor.waitForLog('worker spawned', { vassal: 'app.ini' })).workerPid));
    assert.equal(worker.get('SECRET_TOKEN'), undefined);
    assert.equal(worker.get('HOME'), passwd[5]);
    assert.equal(worker.get('APP_MODE'), 'blue', 'the vassal\'s own env reaches its workers');
  });

  test('in a setgid directory the file\'s group is used only when the owner is a member of it', async (t) => {
    t.after(killAll);
    // a setgid directory of group uwt-acct-extra: every file made in it gets that group, whoever owns it
    const dir = makeDir(0o2755, extra);
    ownedFile(dir, 'alice.ini', vassal(await freePort()), alice, extra);
    ownedFile(dir, 'bob.ini', vassal(await freePort()), bob, extra);
    assert.equal(lstatSync(join(dir, 'bob.ini')).gid, extra);
    const emperor = tyrant(dir);
    await waitForState(emperor, 'alice.ini', 'ready');
    await waitForState(emperor, 'bob.ini', 'ready');
    assert.equal(gidOf(await masterPid(emperor, 'alice.ini')), extra, 'alice belongs to uwt-acct-extra: the file\'s group');
    assert.equal(gidOf(await masterPid(emperor, 'bob.ini')), bob.gid, 'bob does not: his primary group, not one the directory chose');
  });

  test('vassal-logto-dir: each owner logs in DIR/<uid>/ (0700, theirs); a co-tenant\'s plants do not deny another vassal its log', async (t) => {
    t.after(killAll);
    const dir = makeDir();
    // a shared, sticky, world-writable log directory: the worst case an operator might give
    const logs = join(base.path, `logs-${dirs}`);
    mkdirSync(logs);
    chmodSync(logs, 0o1777);
    // bob plants a file of his at the name alice's log would have in a shared directory
    writeFileSync(join(logs, 'alice.ini.log'), 'bob was here\n');
    chownSync(join(logs, 'alice.ini.log'), bob.uid, bob.gid);
    ownedFile(dir, 'alice.ini', vassal(await freePort()), alice);
    ownedFile(dir, 'bob.ini', vassal(await freePort()), bob);
    const emperor = tyrant(dir, ['--vassal-logto-dir', logs]);
    for (const [name, owner] of [['alice.ini', alice], ['bob.ini', bob]] as const) {
      const sub = join(logs, String(owner.uid));
      const file = join(sub, `${name}.log`);
      await waitFor(`${name}'s master to log in ${file}`, () => (existsSync(file) && readFileSync(file, 'utf8').includes('"worker spawned"') ? true : undefined), 20_000);
      const subStats = lstatSync(sub);
      assert.deepEqual([subStats.isDirectory(), subStats.uid, subStats.mode & 0o777], [true, owner.uid, 0o700], `${sub}`);
      const fileStats = lstatSync(file);
      assert.deepEqual([fileStats.uid, fileStats.mode & 0o777], [owner.uid, 0o640]);
    }
    assert.equal(readFileSync(join(logs, 'alice.ini.log'), 'utf8'), 'bob was here\n', 'the plant is left alone');
    assert.equal(emperor.find('vassal log directory refused').length, 0);
  });

  test('vassal-logto-dir: a symlink or another user\'s directory at DIR/<uid> is refused with one line, and the vassal still runs', async (t) => {
    t.after(killAll);
    const dir = makeDir();
    const logs = join(base.path, `logs-${dirs}`);
    mkdirSync(logs);
    chmodSync(logs, 0o1777);
    symlinkSync('/etc', join(logs, String(alice.uid)));
    mkdirSync(join(logs, String(bob.uid)));
    chownSync(join(logs, String(bob.uid)), alice.uid, alice.gid);
    ownedFile(dir, 'alice.ini', vassal(await freePort()), alice);
    ownedFile(dir, 'bob.ini', vassal(await freePort()), bob);
    const emperor = tyrant(dir, ['--vassal-logto-dir', logs]);
    await waitForState(emperor, 'alice.ini', 'ready');
    await waitForState(emperor, 'bob.ini', 'ready');
    const refused = emperor.find('vassal log directory refused');
    assert.match(String(refused.find((line) => line.vassal === 'alice.ini')?.error), /is a symbolic link: not logging there/);
    assert.match(String(refused.find((line) => line.vassal === 'bob.ini')?.error), new RegExp(`owned by uid ${alice.uid}, not by uid ${bob.uid}`));
    assert.ok(!existsSync('/etc/alice.ini.log'), 'nothing written through the symlink');
  });
});
