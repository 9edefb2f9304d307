// The master's error paths, with a real `uw`: a worker killed by ready-timeout
// is a failure and is respawned; a spawn that fails (ENOENT: its chdir vanished)
// is a counted failure with back-off, and SIGHUP still works after it; an
// unwritable safe-pidfile is logged and survived; an app that throws at import
// is logged with its type, file, line and stack.
import { mkdirSync, rmSync } from 'node:fs';
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { get } from '../helpers/http-client.js';
import { APPS, UW_BIN, PYTHON } from '../helpers/paths.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids, startMaster } from '../helpers/uw-master.js';
import { isAlive } from '../helpers/wait-for.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

const moduleVassal = (name: string, app: string, extra = ''): string =>
  dir.write(name, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}${app}\nprocesses = 1\n${extra}`);

describe('master error paths', () => {
  it('respawns a worker killed by ready-timeout, with back-off, and says why (processes = 1 keeps running)', async () => {
    const cli = new SpawnedCli(UW_BIN, [moduleVassal('slow.ini', 'never-ready.mjs', 'ready-timeout = 0.3\n')]);
    const first = await cli.waitForLog('worker respawn scheduled');
    assert.match(String(first.reason), /^worker 1 was not ready within 300 ms/);
    assert.equal(first.failures, 1);
    const second = await cli.waitForLog('worker respawn scheduled', {}, 2);
    assert.ok(Number(second.delayMs) > Number(first.delayMs), 'the delay grows');
    assert.equal(cli.find('worker exited')[0]?.endReason, 'ready-timeout');
    assert.ok(cli.find('worker spawned').length >= 2, 'the slot was refilled');
    assert.ok(isAlive(cli.pid), 'the master keeps running');
  });

  it('counts a spawn that fails with ENOENT as a worker failure, backs off, recovers, and still reloads', async () => {
    const workdir = `${dir.path}/workdir`;
    mkdirSync(workdir);
    const { cli, port } = await startMaster([moduleVassal('enoent.ini', 'hello.mjs', `chdir = ${workdir}\n`)]);
    rmSync(workdir, { recursive: true });
    const [victim] = liveWorkerPids(cli);
    assert.ok(victim !== undefined && victim > 1, 'a live worker to kill');
    process.kill(victim, 'SIGKILL');
    // the killed worker is respawned; that spawn fails: no exit event, only 'error'
    await cli.waitForLog('worker respawn scheduled', { workerPid: victim });
    const failed = await cli.waitForLog('worker respawn scheduled', {}, 2);
    assert.match(String(failed.reason), /could not be started: .*ENOENT/);
    const again = await cli.waitForLog('worker respawn scheduled', {}, 3);
    assert.ok(Number(again.delayMs) > Number(failed.delayMs), 'backs off');
    // a reload while the directory is missing fails cleanly instead of waiting forever
    cli.signal('SIGHUP');
    await cli.waitForLog('reload failed, still serving with the old workers');
    mkdirSync(workdir);
    await cli.waitForLog('workers recovered');
    cli.signal('SIGHUP');
    await cli.waitForLog('reload finished');
    assert.equal((await get({ port })).status, 200);
  });

  it('survives a spawn that throws synchronously, also from the respawn timer, and reloads once the file is fixed', async () => {
    // Node refuses an environment value with a NUL byte by throwing from spawn() itself
    const json = (env: string) => JSON.stringify({ uwsgi: { 'http-socket': '127.0.0.1:0', module: `${APPS}hello.mjs`, processes: 1, env } });
    const file = dir.write('nul.json', json('GREETING=a\u0000b'));
    const cli = new SpawnedCli(UW_BIN, [file]);
    const first = await cli.waitForLog('worker respawn scheduled');
    assert.match(String(first.reason), /could not be started: .*null bytes/);
    await cli.waitForLog('worker respawn scheduled', {}, 2);
    assert.equal(cli.find('worker exited')[0]?.workerPid, null, 'no process, no pid');
    dir.write('nul.json', json('GREETING=ab'));
    cli.signal('SIGHUP');
    await cli.waitForLog('reload finished');
    await cli.waitForLog('master ready');
    const port = Number(String(cli.find('socket bound')[0]?.where).split(':')[1]);
    assert.equal((await get({ port })).status, 200);
    // the same throw in a reload's new generation fails that reload; the next SIGHUP is still heard
    dir.write('nul.json', json('GREETING=a\u0000b'));
    cli.signal('SIGHUP');
    const failed = await cli.waitForLog('reload failed, still serving with the old workers');
    assert.match(String(failed.reason), /null bytes/);
    assert.equal((await get({ port })).status, 200);
    dir.write('nul.json', json('GREETING=ab'));
    cli.signal('SIGHUP');
    await cli.waitForLog('reload finished', {}, 2);
  });

  it('logs an unwritable safe-pidfile and keeps serving; SIGHUP still reloads', async () => {
    const file = moduleVassal('safe.ini', 'hello.mjs', `safe-pidfile = ${dir.path}/no-such-dir/safe.pid\n`);
    const { cli, port } = await startMaster([file]);
    const line = await cli.waitForLog('safe-pidfile not written');
    assert.match(String(line.error), /no-such-dir\/safe\.pid/);
    cli.signal('SIGHUP');
    await cli.waitForLog('reload finished');
    assert.equal((await get({ port })).status, 200);
    assert.ok(isAlive(cli.pid));
  });

  it('logs the type, file, line and stack of an app that throws at import', async () => {
    const cli = new SpawnedCli(UW_BIN, [moduleVassal('throws.ini', 'crash-on-start.mjs')]);
    const error = await cli.waitForLog('worker app error');
    assert.equal(error.errorType, 'Error');
    assert.equal(error.message, 'boom: this app cannot start');
    assert.equal(error.file, `${APPS}crash-on-start.mjs`);
    assert.equal(error.line, 2);
    assert.match(String(error.stack), /crash-on-start\.mjs:2/);
    const respawn = await cli.waitForLog('worker respawn scheduled');
    assert.match(String(respawn.reason), /before it was ready: Error at .*crash-on-start\.mjs:2: boom/);
  });

  it('finds the line of a syntax error in the app', async () => {
    const cli = new SpawnedCli(UW_BIN, [moduleVassal('syntax.ini', 'syntax-error.mjs')]);
    const error = await cli.waitForLog('worker app error');
    assert.equal(error.errorType, 'SyntaxError');
    assert.equal(error.file, `${APPS}syntax-error.mjs`);
    assert.equal(error.line, 4);
  });

  it('reports an exec worker crash loop with the tail of its stderr, also captured as log lines', async () => {
    const file = dir.write('py-fail.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nexec = ${PYTHON} ${APPS}fail-at-start.py\nprocesses = 1\n`);
    const cli = new SpawnedCli(UW_BIN, [file]);
    const respawn = await cli.waitForLog('worker respawn scheduled');
    assert.match(String(respawn.reason), /exited with code 3 before it was ready: starting fail-at-start\nfail-at-start: cannot open database/);
    await cli.waitForLog('fail-at-start: cannot open database /var/lib/nothing.db', { stream: 'stderr' });
  });
});
