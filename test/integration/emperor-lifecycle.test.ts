// The file system drives the emperor: create starts, touch or edit reloads
// (mtime forwards, backwards, twice in one second), rm stops, rename = stop + start.
import assert from 'node:assert/strict';
import { renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { killAll, type SpawnedCli } from '../helpers/spawned-cli.js';
import { isAlive, waitFor } from '../helpers/wait-for.js';
import { count, startEmperor, statesOf, VassalDir, waitForState } from './emperor-harness.js';

describe('emperor: create, touch, edit, rm, rename', () => {
  const dir = new VassalDir();
  let emperor: SpawnedCli;
  let masterPid: number;

  before(async () => {
    dir.write('app.ini', 'mode = ready\n');
    // no periodic rescan: every reaction below can only come from the watcher
    emperor = startEmperor(['--rescan-interval', '0', dir.path]);
    await emperor.waitForLog('emperor started');
  });
  after(async () => {
    await killAll();
    dir.remove();
  });

  test('a file present at start gets a master; spawned is not ready', async () => {
    const ready = await waitForState(emperor, 'app.ini', 'ready');
    masterPid = Number(ready.masterPid);
    assert.deepEqual(statesOf(emperor, 'app.ini'), ['starting', 'ready']);
    const started = emperor.find('fake master started', { vassal: 'app.ini' });
    assert.equal(started.length, 1);
    assert.equal(started[0]?.cwd, dir.path, 'the master runs in its vassal file\'s directory');
    assert.ok(isAlive(masterPid));
  });

  test('a new file starts its master', async () => {
    dir.write('second.yaml', 'mode = ready\n');
    await waitForState(emperor, 'second.yaml', 'ready');
  });

  test('touch reloads (watcher, not rescan), with SIGHUP to the same master', async () => {
    const now = new Date();
    utimesSync(dir.file('app.ini'), now, now);
    const reloading = await waitForState(emperor, 'app.ini', 'reloading');
    assert.equal(reloading.masterPid, masterPid);
    await emperor.waitForLog('fake master reloaded', { vassal: 'app.ini' }, 1);
    await waitForState(emperor, 'app.ini', 'ready', 2);
  });

  test('an edit reloads with the new content', async () => {
    writeFileSync(dir.file('app.ini'), 'mode = ready\nedited = 1\n');
    const reloaded = await emperor.waitForLog('fake master reloaded', { vassal: 'app.ini' }, 2);
    assert.equal(reloaded.content, 'mode = ready\nedited = 1\n');
  });

  test('an mtime set backwards (a restored file, rsync -t) reloads', async () => {
    const past = new Date('2001-02-03T04:05:06Z');
    utimesSync(dir.file('app.ini'), past, past);
    await emperor.waitForLog('fake master reloaded', { vassal: 'app.ini' }, 3);
  });

  test('two changes within the same second both reload', async () => {
    const second = Date.parse('2030-01-01T00:00:00Z') / 1000;
    utimesSync(dir.file('app.ini'), second + 0.1, second + 0.1);
    await emperor.waitForLog('fake master reloaded', { vassal: 'app.ini' }, 4);
    utimesSync(dir.file('app.ini'), second + 0.6, second + 0.6);
    await emperor.waitForLog('fake master reloaded', { vassal: 'app.ini' }, 5);
    await waitForState(emperor, 'app.ini', 'ready', 6);
    assert.equal(count(emperor, 'master spawned', 'app.ini'), 1, 'reloads never restart the master');
  });

  test('rm stops the master with SIGINT and forgets the vassal', async () => {
    rmSync(dir.file('second.yaml'));
    const stopping = await waitForState(emperor, 'second.yaml', 'stopping');
    assert.equal(stopping.reason, 'file removed');
    await emperor.waitForLog('fake master stopping', { vassal: 'second.yaml' });
    await waitForState(emperor, 'second.yaml', 'stopped');
    const exited = emperor.find('master exited', { vassal: 'second.yaml' })[0];
    assert.equal(exited?.code, 0);
    await waitFor('the master to be gone', () => (isAlive(Number(stopping.masterPid)) ? undefined : true), 5_000);
  });

  test('a rename stops the old name and starts the new one', async () => {
    renameSync(dir.file('app.ini'), dir.file('renamed.ini'));
    await waitForState(emperor, 'app.ini', 'stopped');
    await waitForState(emperor, 'renamed.ini', 'ready');
    await waitFor('the old master to be gone', () => (isAlive(masterPid) ? undefined : true), 5_000);
  });

  test('a file that comes back gets a new master', async () => {
    dir.write('app.ini', 'mode = ready\n');
    await emperor.waitForLog('vassal state', { vassal: 'app.ini', to: 'ready', reason: 'master ready' }, 2);
    assert.equal(count(emperor, 'master spawned', 'app.ini'), 2);
  });
});
