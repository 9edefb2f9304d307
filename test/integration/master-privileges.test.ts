// A root master and its workers' user: uid alone gives the user's primary
// group and supplementary groups (never root's group 0), and a module the user
// cannot read fails the start with one line naming the path and the user.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { after, afterEach, describe, it } from 'node:test';
import { readableBuild } from '../helpers/readable-build.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids, startMaster } from '../helpers/uw-master.js';
import { waitFor } from '../helpers/wait-for.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());
const root = process.getuid?.() === 0;
// the workers' user must read uw and the app, wherever the checkout lies
const { uwBin, apps: APPS } = readableBuild(dir);

/** A user with a supplementary group when the system has one (a member in /etc/group), else nobody. */
function userWithGroups(): string {
  const members = readFileSync('/etc/group', 'utf8').split('\n').flatMap((line) => (line.split(':')[3] ?? '').split(',').filter(Boolean));
  return members.find((name) => execFileSync('id', ['-G', name], { encoding: 'utf8' }).trim().includes(' ')) ?? 'nobody';
}

const statusField = (pid: number, field: string): string =>
  new RegExp(`^${field}:\\s*(.*)$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]?.trim() ?? '';

describe('workers as another user', { skip: !root && 'needs root' }, () => {
  it('uid without gid: the user\'s primary group and its supplementary groups, not group 0', async () => {
    const user = userWithGroups();
    const primary = execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim();
    const groups = execFileSync('id', ['-G', user], { encoding: 'utf8' }).trim().split(' ').sort();
    const file = dir.write('uid-only.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\nuid = ${user}\nchdir = /\n`);
    const { cli } = await startMaster([file], { bin: uwBin });
    const [worker] = liveWorkerPids(cli);
    assert.ok(worker !== undefined);
    assert.equal(statusField(worker, 'Gid').split(/\s+/)[0], primary);
    assert.deepEqual(statusField(worker, 'Groups').split(/\s+/).filter(Boolean).sort(), groups);
  });

  it('a module in a directory the user cannot enter: one line naming path and user, exit 2', async () => {
    const secret = dir.file('private');
    mkdirSync(secret);
    chmodSync(secret, 0o700);
    const app = `${secret}/app.mjs`;
    dir.write('private/app.mjs', readFileSync(`${APPS}hello.mjs`, 'utf8'));
    const file = dir.write('private-module.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${app}\nuid = nobody\nchdir = /\n`);
    const cli = new SpawnedCli(uwBin, [file]);
    // before the check, this was a crash loop that never exits: hence a deadline
    const exit = await waitFor('uw to exit', () => (cli.child.exitCode === null ? undefined : cli.child.exitCode), 15_000);
    assert.equal(exit, 2, cli.stderr);
    await waitFor('its error line', () => (cli.stderr.endsWith('\n') ? true : undefined));
    assert.equal(
      cli.stderr.trim(),
      `uw: config error in ${file}: option "module": the workers' user "nobody" (uid 65534) cannot read ${app} [UW_CONFIG_PERMISSION]`,
    );
    assert.equal(cli.find('worker spawned').length, 0);
  });
});
