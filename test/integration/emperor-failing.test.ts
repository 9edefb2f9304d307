// Failures the emperor could not see, with the real `uw` under the real
// `uwemperor`: a worker crash loop shows as `failing` with the app's own error
// (or an exec worker's stderr tail) and editing the file fixes it at once; a
// failed reload shows `reloadFailed` until a good one; a paused (SIGTSTP) or
// SIGSTOPped master shows `paused`.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { freePort } from '../helpers/free-port.js';
import { tryGet } from '../helpers/http-client.js';
import { APPS, PYTHON } from '../helpers/paths.js';
import type { SpawnedCli } from '../helpers/spawned-cli.js';
import { waitFor } from '../helpers/wait-for.js';
import { isStopped } from '../../src/process/stopped.js';
import { startEmperor, useVassalDirs, waitForState } from './emperor-harness.js';

const newDir = useVassalDirs();

const vassal = (port: number, app: string) => `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${APPS}${app}\nprocesses = 1\n`;

const answers = (port: number) =>
  waitFor(`127.0.0.1:${port} to answer`, async () => ((await tryGet({ port }))?.status === 200 ? true : undefined), 15_000);

/** SIGUSR1 to the emperor, then the next `vassal status` line of `name`. */
async function statusOf(emperor: SpawnedCli, name: string): Promise<Record<string, unknown>> {
  const before = emperor.find('vassal status', { vassal: name }).length;
  emperor.signal('SIGUSR1');
  return emperor.waitForLog('vassal status', { vassal: name }, before + 1);
}

describe('emperor: failures it must show', () => {
  test('a crash-looping vassal is failing with the app error; editing its file makes it ready without waiting for the back-off', async () => {
    const dir = newDir();
    const port = await freePort();
    const file = dir.write('app.ini', vassal(port, 'crash-on-start.mjs'));
    const emperor = startEmperor([dir.path], { fake: false });
    const failing = await waitForState(emperor, 'app.ini', 'failing');
    assert.match(String(failing.error), /worker 1 exited with code 1 before it was ready: Error at .*crash-on-start\.mjs:2: boom: this app cannot start/);
    assert.equal(failing.level, 'error');
    const status = await statusOf(emperor, 'app.ini');
    assert.equal(status.state, 'failing');
    assert.match(String(status.error), /boom: this app cannot start/);
    // let the worker back-off grow past what the test waits for the fix
    await emperor.waitForLog('worker respawn scheduled', { vassal: 'app.ini', failures: 5 }, 1, 20_000);
    writeFileSync(file, vassal(port, 'hello.mjs'));
    const reload = await emperor.waitForLog('vassal state', { vassal: 'app.ini', from: 'failing', to: 'reloading', reason: 'file changed' });
    assert.ok(reload);
    const ready = await emperor.waitForLog('vassal state', { vassal: 'app.ini', to: 'ready', reason: 'master reloaded' });
    assert.equal(ready.error, undefined);
    await answers(port);
    assert.equal((await statusOf(emperor, 'app.ini')).error, null);
  });

  test('an exec worker crash loop shows the tail of its stderr', async () => {
    const dir = newDir();
    const port = await freePort();
    dir.write('py.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nexec = ${PYTHON} ${APPS}fail-at-start.py\nprocesses = 1\n`);
    const emperor = startEmperor([dir.path], { fake: false });
    const failing = await waitForState(emperor, 'py.ini', 'failing');
    assert.match(String(failing.error), /exited with code 3 before it was ready: starting fail-at-start\nfail-at-start: cannot open database/);
  });

  test('a failed reload shows reloadFailed with the reason until a later reload succeeds', async () => {
    const dir = newDir();
    const port = await freePort();
    const file = dir.write('app.ini', vassal(port, 'hello.mjs'));
    const emperor = startEmperor([dir.path], { fake: false });
    await waitForState(emperor, 'app.ini', 'ready');
    writeFileSync(file, vassal(port, 'crash-on-start.mjs'));
    const failed = await emperor.waitForLog('vassal state', { vassal: 'app.ini', from: 'reloading', to: 'ready' });
    assert.match(String(failed.reloadFailed), /boom: this app cannot start/);
    assert.equal(failed.level, 'warn');
    assert.match(String((await statusOf(emperor, 'app.ini')).reloadFailed), /boom/);
    await answers(port); // the old workers still serve

    writeFileSync(file, vassal(port, 'hello.mjs').replace('processes = 1', 'processes = one'));
    const typo = await emperor.waitForLog('vassal state', { vassal: 'app.ini', from: 'reloading', to: 'ready' }, 2);
    assert.match(String(typo.reloadFailed), /processes.*one/);

    writeFileSync(file, vassal(port, 'hello.mjs'));
    const good = await emperor.waitForLog('vassal state', { vassal: 'app.ini', to: 'ready', reason: 'master reloaded' });
    assert.equal(good.reloadFailed, undefined);
    assert.equal((await statusOf(emperor, 'app.ini')).reloadFailed, null);
  });

  test('a paused vassal (SIGTSTP to its master) shows paused; a SIGSTOPped one too', async () => {
    const dir = newDir();
    const port = await freePort();
    dir.write('app.ini', vassal(port, 'hello.mjs'));
    const emperor = startEmperor([dir.path], { fake: false });
    const masterPid = Number((await waitForState(emperor, 'app.ini', 'ready')).masterPid);
    process.kill(masterPid, 'SIGTSTP');
    await waitForState(emperor, 'app.ini', 'paused');
    assert.equal((await statusOf(emperor, 'app.ini')).state, 'paused');
    process.kill(masterPid, 'SIGTSTP');
    await emperor.waitForLog('vassal state', { vassal: 'app.ini', from: 'paused', to: 'ready' });

    process.kill(masterPid, 'SIGSTOP');
    try {
      // the signal is delivered when the master is next scheduled: wait until /proc says so
      await waitFor('the master to be stopped', () => (isStopped(masterPid) ? true : undefined), 5_000);
      assert.equal((await statusOf(emperor, 'app.ini')).state, 'paused');
    } finally {
      process.kill(masterPid, 'SIGCONT');
    }
    assert.equal((await statusOf(emperor, 'app.ini')).state, 'ready');
  });
});
