// Pidfiles, the --reload/--stop/--pause convenience commands, touch-reload,
// vacuum, a UNIX http-socket, and a bad deploy that keeps the old workers.
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { get } from '../helpers/http-client.js';
import { APPS, UW_BIN } from '../helpers/paths.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids, startMaster } from '../helpers/uw-master.js';
import { waitFor } from '../helpers/wait-for.js';

const run = promisify(execFile);
const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

function uw(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [UW_BIN, ...args]);
}

describe('master control', () => {
  it('writes pidfile at start and safe-pidfile once ready; --reload, --pause and --stop use them', async () => {
    const pidfile = dir.file('m.pid');
    const safe = dir.file('m.safe.pid');
    const file = dir.write('ctl.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\npidfile = ${pidfile}\nsafe-pidfile = ${safe}\nvacuum = true\n`);
    const cli = new SpawnedCli(UW_BIN, [file]);
    await waitFor('pidfile', () => (existsSync(pidfile) ? true : undefined));
    assert.equal(Number(readFileSync(pidfile, 'utf8')), cli.pid);
    assert.equal(statSync(pidfile).mode & 0o777, 0o644);
    await cli.waitForLog('master ready');
    assert.equal(Number(readFileSync(safe, 'utf8')), cli.pid);

    await uw('--reload', pidfile);
    await cli.waitForLog('reload finished');
    await uw('--pause', pidfile);
    await cli.waitForLog('paused');
    await uw('--pause', pidfile);
    await cli.waitForLog('resumed');
    await uw('--stop', pidfile);
    assert.deepEqual(await cli.exited, { code: 0, signal: null });
    assert.equal(existsSync(pidfile), false, 'vacuum removes the pidfile');
    assert.equal(existsSync(safe), false, 'vacuum removes the safe-pidfile');
  });

  it('--reload with a pidfile naming no process fails with one clear line', async () => {
    const stale = dir.write('stale.pid', '999999\n');
    const failure = await uw('--reload', stale).then(() => undefined, (err: { code: number; stderr: string }) => err);
    assert.equal(failure?.code, 1);
    assert.match(failure?.stderr ?? '', /stale\.pid: no process with PID 999999/);
  });

  it('reloads when a touch-reload file changes, appears or disappears', async () => {
    const trigger = dir.file('trigger');
    const file = dir.write('touch.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\ntouch-reload = ${trigger}\n`);
    const { cli } = await startMaster([file]);
    writeFileSync(trigger, 'x'); // appears
    await cli.waitForLog('reload finished', {}, 1);
    const past = new Date(Date.now() - 60_000);
    utimesSync(trigger, past, past); // mtime moves backwards
    await cli.waitForLog('reload finished', {}, 2);
    assert.equal(cli.find('touch-reload', { file: trigger }).length, 2);
  });

  it('serves HTTP on a UNIX socket and removes it with vacuum', async () => {
    const socketPath = dir.file('app.sock');
    const file = dir.write('unix.ini', `[uwsgi]\nhttp-socket = ${socketPath}\nmodule = ${APPS}hello.mjs\nchmod-socket = 660\nvacuum = true\n`);
    const { cli } = await startMaster([file]);
    assert.equal(statSync(socketPath).mode & 0o777, 0o660);
    assert.equal((await get({ socketPath })).status, 200);
    cli.signal('SIGINT');
    await cli.exited;
    assert.equal(existsSync(socketPath), false);
  });

  it('keeps serving with the old workers when the new generation never becomes ready', async () => {
    const file = dir.write('deploy.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\nprocesses = 2\n`);
    const { cli, port } = await startMaster([file]);
    const old = liveWorkerPids(cli);
    writeFileSync(file, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}crash-on-start.mjs\nprocesses = 2\n`);
    cli.signal('SIGHUP');
    const failed = await cli.waitForLog('reload failed, still serving with the old workers');
    assert.match(String(failed.reason), /boom: this app cannot start/);
    const reply = await get({ port });
    assert.ok(old.includes(Number(reply.body.split(' ')[1])), 'an old worker answered');
    assert.deepEqual(liveWorkerPids(cli).sort(), old.sort());
  });

  it('re-reads its config on reload (a new env value reaches the new workers)', async () => {
    const file = dir.write('reread.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\nenv = VERSION=v1\n`);
    const { cli, port } = await startMaster([file]);
    assert.match((await get({ port })).body, / v1$/);
    writeFileSync(file, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\nenv = VERSION=v2\n`);
    cli.signal('SIGHUP');
    await cli.waitForLog('reload finished');
    assert.match((await get({ port })).body, / v2$/);
  });

  it('a reload replaces workers stuck in a crash loop once the app is fixed', async () => {
    const file = dir.write('fixed.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}crash-on-start.mjs\n`);
    const cli = new SpawnedCli(UW_BIN, [file]);
    await cli.waitForLog('worker respawn scheduled', {}, 2);
    writeFileSync(file, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\n`);
    cli.signal('SIGHUP');
    await cli.waitForLog('reload finished');
    await cli.waitForLog('master ready');
    const port = Number(String(cli.find('socket bound')[0]?.where).split(':')[1]);
    assert.equal((await get({ port })).status, 200);
  });
});
