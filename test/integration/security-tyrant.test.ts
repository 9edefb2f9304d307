// Tyrant mode for real, as root: each master runs as its vassal file's owner
// with the owner's groups; root's files are refused; a chown restarts the
// master as the new owner; a vassal's uid cannot leave its owner; includes are
// read with the owner's rights. Skipped (with the reason) when not root.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, cpSync, lchownSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort } from '../helpers/free-port.js';
import { FIXTURES, REPO_ROOT } from '../helpers/paths.js';
import { killAll, type SpawnedCli } from '../helpers/spawned-cli.js';
import { openTempDir, skipUnlessRoot, TestUsers, type TestUser } from '../helpers/test-users.js';
import { startEmperor, waitForState } from './emperor-harness.js';

const run = promisify(execFile);
const skip = skipUnlessRoot();

/** Real and effective uid/gid and the supplementary groups of a live process. */
function idsOf(pid: number): { uid: number[]; gid: number[]; groups: number[] } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => (status.match(new RegExp(`^${name}:\\s*(.*)$`, 'm'))?.[1] ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  return { uid: field('Uid'), gid: field('Gid'), groups: field('Groups') };
}

/** The pid of the `count`-th master spawned for `vassal`. */
async function masterPid(emperor: SpawnedCli, name: string, count = 1): Promise<number> {
  return Number((await emperor.waitForLog('master spawned', { vassal: name }, count)).masterPid);
}

/**
 * The built bundles, js-yaml (a YAML vassal's master loads it) and the app, copied where the owners can
 * read them: the checkout may lie under a 0700 directory (/root, a mktemp -d directory).
 */
function readableCopy(dir: string): { readonly uwBin: string; readonly emperorBin: string; readonly app: string } {
  cpSync(join(REPO_ROOT, 'dist', 'src'), join(dir, 'dist', 'src'), { recursive: true });
  cpSync(join(REPO_ROOT, 'node_modules', 'js-yaml'), join(dir, 'node_modules', 'js-yaml'), { recursive: true });
  cpSync(`${FIXTURES}emperor/app.mjs`, join(dir, 'app.mjs'));
  return { uwBin: join(dir, 'dist', 'src', 'cli', 'uw.js'), emperorBin: join(dir, 'dist', 'src', 'cli', 'uwemperor.js'), app: join(dir, 'app.mjs') };
}

describe('tyrant mode', { skip }, () => {
  const users = new TestUsers();
  let alice: TestUser;
  let bob: TestUser;
  let extra: number;
  let base: ReturnType<typeof openTempDir>;
  let build: ReturnType<typeof readableCopy>;
  const vassal = (port: number, extra = '') => `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${build.app}\nprocesses = 1\n${extra}`;
  const tyrant = (dir: string, ...more: string[]) => startEmperor(['--master-bin', build.uwBin, dir, '--tyrant', 'true', ...more], { fake: false });
  before(() => {
    extra = users.group('uwt-extra');
    alice = users.user('uwt-alice', ['uwt-extra']);
    bob = users.user('uwt-bob');
    base = openTempDir('uw-tyrant-');
    build = readableCopy(base.path);
  });
  after(async () => {
    await killAll();
    base.remove();
    users.remove();
  });

  let dirs = 0;
  /** A vassal directory the owners can enter, owned by root: they cannot plant files in it. */
  const makeDir = (): string => {
    const dir = join(base.path, `vassals-${++dirs}`);
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    return dir;
  };

  test('the master and its workers run as the file owner, with its groups and not root\'s', async (t) => {
    t.after(killAll);
    const dir = makeDir();
    const port = await freePort();
    const file = join(dir, 'app.ini');
    writeFileSync(file, vassal(port));
    chownSync(file, alice.uid, alice.gid);
    const emperor = tyrant(dir);
    await waitForState(emperor, 'app.ini', 'ready');
    assert.deepEqual(emperor.find('vassal state', { vassal: 'app.ini' }).map((line) => line.to), ['starting', 'ready'], 'the first start is as the owner, not a retry');
    const master = idsOf(await masterPid(emperor, 'app.ini'));
    assert.deepEqual(master.uid, [alice.uid, alice.uid, alice.uid, alice.uid]);
    assert.deepEqual(master.gid, [alice.gid, alice.gid, alice.gid, alice.gid]);
    assert.deepEqual([...master.groups].sort(), [alice.gid, extra].sort(), 'initgroups: the owner\'s groups, none of root\'s');
    const worker = idsOf(Number((await emperor.waitForLog('worker spawned', { vassal: 'app.ini' })).workerPid));
    assert.equal(worker.uid[1], alice.uid, 'the workers run as the owner too');
  });

  test('a root-owned file is refused with one line; chown starts it as the owner; another chown restarts it as the new one', async (t) => {
    t.after(killAll);
    const dir = makeDir();
    const port = await freePort();
    const file = join(dir, 'app.ini');
    writeFileSync(file, vassal(port));
    const emperor = tyrant(dir, '--rescan-interval', '1');
    const refused = await emperor.waitForLog('vassal refused', { vassal: 'app.ini' });
    assert.equal(refused.code, 'UW_TYRANT_REFUSED');
    assert.match(String(refused.error), /owned by uid 0 gid 0.*tyrant-allow-root/);
    // rescans come every second: the refusal is logged once, and no master is started
    await emperor.waitForLog('emperor rescan', {}, 3);
    assert.equal(emperor.find('vassal refused', { vassal: 'app.ini' }).length, 1);
    assert.equal(emperor.find('master spawned', { vassal: 'app.ini' }).length, 0);

    chownSync(file, alice.uid, alice.gid);
    await waitForState(emperor, 'app.ini', 'ready');
    assert.equal(idsOf(await masterPid(emperor, 'app.ini')).uid[0], alice.uid);

    chownSync(file, bob.uid, bob.gid);
    await emperor.waitForLog('vassal file owner changed: restarting as the new owner', { vassal: 'app.ini' });
    await waitForState(emperor, 'app.ini', 'ready', 2);
    const second = idsOf(await masterPid(emperor, 'app.ini', 2));
    assert.deepEqual([second.uid[0], second.gid[0]], [bob.uid, bob.gid]);
    assert.equal(emperor.find('vassal state', { vassal: 'app.ini', to: 'reloading' }).length, 0, 'a new master, not a reload of the old one');

    chownSync(file, 0, 0);
    await waitForState(emperor, 'app.ini', 'stopped');
    assert.equal(emperor.find('vassal refused', { vassal: 'app.ini' }).length, 2);
  });

  test('a symlinked vassal file runs as its target\'s owner if root made the link; another user\'s link is refused', async (t) => {
    t.after(killAll);
    const dir = makeDir();
    const target = join(base.path, `bob-app-${dirs}.ini`);
    const port = await freePort();
    writeFileSync(target, vassal(port));
    chownSync(target, bob.uid, bob.gid);
    symlinkSync(target, join(dir, 'root-link.ini'));
    symlinkSync(target, join(dir, 'alice-link.ini'));
    lchownSync(join(dir, 'alice-link.ini'), alice.uid, alice.gid);
    const emperor = tyrant(dir);
    await waitForState(emperor, 'root-link.ini', 'ready');
    assert.equal(idsOf(await masterPid(emperor, 'root-link.ini')).uid[0], bob.uid);
    const refused = await emperor.waitForLog('vassal refused', { vassal: 'alice-link.ini' });
    assert.match(String(refused.error), new RegExp(`symlink of uid ${alice.uid} to a file of uid ${bob.uid}`));
    assert.equal(emperor.find('master spawned', { vassal: 'alice-link.ini' }).length, 0);
  });

  test('an emperor that is not root refuses tyrant mode with one line', async () => {
    const dir = makeDir();
    const failure = await run('setpriv', [`--reuid=${alice.uid}`, `--regid=${alice.gid}`, '--clear-groups', process.execPath, build.emperorBin, '--tyrant', 'true', dir], { timeout: 15_000 }).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    assert.ok(failure !== undefined, 'the emperor should have refused to start');
    assert.equal(failure.code, 2);
    assert.match(failure.stderr.trim(), /^uwemperor: tyrant = true runs each master as its file's owner: the emperor must run as root \[UW_USAGE\]$/);
  });

  test('tyrant-allow-root starts a root-owned file as root', async (t) => {
    t.after(killAll);
    const dir = makeDir();
    const port = await freePort();
    writeFileSync(join(dir, 'app.ini'), vassal(port));
    const emperor = tyrant(dir, '--tyrant-allow-root', 'true');
    await waitForState(emperor, 'app.ini', 'ready');
    assert.equal(idsOf(await masterPid(emperor, 'app.ini')).uid[0], 0);
  });

  test('a vassal\'s uid cannot leave its owner: broken with one line', async (t) => {
    t.after(killAll);
    const dir = makeDir();
    const port = await freePort();
    const file = join(dir, 'app.ini');
    writeFileSync(file, vassal(port, 'uid = root\n'));
    chownSync(file, alice.uid, alice.gid);
    const emperor = tyrant(dir);
    const broken = await waitForState(emperor, 'app.ini', 'broken');
    assert.match(String(broken.error), /app\.ini.*"uid".*tyrant mode runs this vassal as its file's owner .*cannot switch to uid 0/);
    assert.equal(emperor.find('worker spawned', { vassal: 'app.ini' }).length, 0);
  });

  test('a port below 1024 is refused with one line: the owner\'s master cannot bind it', async (t) => {
    t.after(killAll);
    const dir = makeDir();
    const file = join(dir, 'low.ini');
    writeFileSync(file, vassal(81));
    chownSync(file, alice.uid, alice.gid);
    const emperor = tyrant(dir);
    const broken = await waitForState(emperor, 'low.ini', 'broken');
    assert.match(String(broken.error), /low\.ini.*"http-socket": port 81 is below 1024 and needs root, and this master runs as uid \d+.*UW_CONFIG_PRIVILEGE/);
  });

  test('includes are read with the owner\'s rights: /etc/shadow and another user\'s 0600 file are refused, their content never shown', async (t) => {
    t.after(killAll);
    const dir = makeDir();
    const secret = join(base.path, 'bob-secret.ini');
    writeFileSync(secret, '[uwsgi]\nenv = SECRET=bob-only-7f3a\n');
    chownSync(secret, bob.uid, bob.gid);
    chmodSync(secret, 0o600);
    const port = await freePort();
    for (const [name, include] of [['shadow.ini', '/etc/shadow'], ['bob.ini', secret]] as const) {
      const file = join(dir, name);
      writeFileSync(file, vassal(port, `ini = ${include}\n`));
      chownSync(file, alice.uid, alice.gid);
    }
    const inherit = join(dir, 'inherit.yaml');
    writeFileSync(inherit, `uwsgi:\n  inherit: ${secret}\n  http-socket: 127.0.0.1:${port}\n  module: ${build.app}\n`);
    chownSync(inherit, alice.uid, alice.gid);
    const emperor = tyrant(dir);
    for (const name of ['shadow.ini', 'bob.ini', 'inherit.yaml']) {
      const broken = await waitForState(emperor, name, 'broken');
      assert.match(String(broken.error), /EACCES|permission denied/i, `${name}: ${String(broken.error)}`);
    }
    const shadowHead = readFileSync('/etc/shadow', 'utf8').split('\n')[0] ?? 'root:';
    assert.ok(!emperor.stdout.includes(shadowHead) && !emperor.stderr.includes(shadowHead), 'no line of /etc/shadow is printed');
    assert.ok(!emperor.stdout.includes('bob-only-7f3a') && !emperor.stderr.includes('bob-only-7f3a'), 'no line of bob\'s file is printed');
  });
});
