// Failing vassals: a bad config is broken until its file changes, a master
// that keeps exiting before ready (as uw does on a transient error) backs
// off visibly and recovers by touch or SIGURG, a master that ignores
// SIGINT is killed after the mercy period, and nothing else is disturbed.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { killAll, type SpawnedCli } from '../helpers/spawned-cli.js';
import { isAlive, waitFor } from '../helpers/wait-for.js';
import { count, startEmperor, statesOf, VassalDir, waitForState } from './emperor-harness.js';

describe('emperor: failing vassals', () => {
  const dir = new VassalDir();
  let emperor: SpawnedCli;
  let goodPid: number;

  before(async () => {
    dir.write('good.ini', 'mode = ready\n');
    emperor = startEmperor([dir.path, '--reload-mercy', '0.5', '--rescan-interval', '0.2']);
    goodPid = Number((await waitForState(emperor, 'good.ini', 'ready')).masterPid);
  });
  after(async () => {
    await killAll();
    dir.remove();
  });

  test('a bad config marks only its vassal broken, with the one-line error, and is not restarted', async () => {
    dir.write('bad.ini', 'mode = config-error\n');
    const broken = await waitForState(emperor, 'bad.ini', 'broken');
    assert.match(String(broken.error), /^config error in .*bad\.ini: expected "processes" to be an integer >= 1, got "four"/);
    const rescans = emperor.find('emperor rescan').length;
    await emperor.waitForLog('emperor rescan', {}, rescans + 2);
    assert.equal(count(emperor, 'master spawned', 'bad.ini'), 1, 'two rescans later, still one attempt');
    assert.deepEqual(statesOf(emperor, 'bad.ini'), ['starting', 'broken']);
  });

  test('fixing the broken file starts it', async () => {
    writeFileSync(dir.file('bad.ini'), 'mode = ready\n');
    await waitForState(emperor, 'bad.ini', 'ready');
  });

  test('a master that keeps exiting before ready backs off 1 s, then 2 s, visibly in its state', async () => {
    dir.write('crash.ini', 'mode = exit\n');
    const first = await waitForState(emperor, 'crash.ini', 'backoff');
    assert.equal(first.delayMs, 1_000);
    assert.match(String(first.reason), /master exited \(code 1\)/);
    const second = await waitForState(emperor, 'crash.ini', 'backoff', 2);
    assert.equal(second.delayMs, 2_000);
  });

  test('touching the file retries at once and recovers', async () => {
    writeFileSync(dir.file('crash.ini'), 'mode = ready\n');
    // the reason proves the touch started it, not the back-off timer (2 s by now)
    const retried = await emperor.waitForLog('vassal state', { vassal: 'crash.ini', from: 'backoff', to: 'starting', reason: 'file changed' });
    assert.ok(retried);
    await waitForState(emperor, 'crash.ini', 'ready');
  });

  test('SIGURG clears the back-off at once', async () => {
    dir.write('loop.ini', 'mode = exit\n');
    await waitForState(emperor, 'loop.ini', 'backoff', 2);
    emperor.signal('SIGURG');
    // the next back-off would be 4 s: the start must come long before
    const cleared = await emperor.waitForLog('vassal state', { vassal: 'loop.ini', reason: 'back-off cleared' });
    assert.equal(cleared.to, 'starting');
    const after = await waitForState(emperor, 'loop.ini', 'backoff', 3);
    assert.equal(after.delayMs, 1_000, 'the count starts again');
    rmSync(dir.file('loop.ini'));
    await waitForState(emperor, 'loop.ini', 'stopped');
  });

  test('a master that reports failing workers (as uw does for a crash loop) is failing, not restarted; an edit reloads it', async () => {
    dir.write('workers.ini', 'mode = workers-failing\n');
    const failing = await waitForState(emperor, 'workers.ini', 'failing');
    assert.match(String(failing.error), /boom/);
    writeFileSync(dir.file('workers.ini'), 'mode = ready\n');
    await emperor.waitForLog('vassal state', { vassal: 'workers.ini', from: 'failing', to: 'reloading' });
    await emperor.waitForLog('vassal state', { vassal: 'workers.ini', to: 'ready', reason: 'master reloaded' });
    assert.equal(count(emperor, 'master spawned', 'workers.ini'), 1, 'the same master, reloaded');
    rmSync(dir.file('workers.ini'));
    await waitForState(emperor, 'workers.ini', 'stopped');
  });

  test('a master killed from outside after it was ready restarts at once', async () => {
    const before = Number((await waitForState(emperor, 'bad.ini', 'ready')).masterPid);
    process.kill(before, 'SIGKILL');
    const restarted = await emperor.waitForLog('vassal state', { vassal: 'bad.ini', to: 'starting', reason: 'master exited (signal SIGKILL)' });
    assert.ok(restarted);
    await emperor.waitForLog('vassal state', { vassal: 'bad.ini', to: 'ready', reason: 'master ready' }, 2);
  });

  test('a master that ignores SIGINT is killed after the mercy period', async () => {
    dir.write('stubborn.ini', 'mode = ignore-int\n');
    const ready = await waitForState(emperor, 'stubborn.ini', 'ready');
    rmSync(dir.file('stubborn.ini'));
    await emperor.waitForLog('fake master ignored SIGINT', { vassal: 'stubborn.ini' });
    const killed = await emperor.waitForLog('master killed after mercy', { vassal: 'stubborn.ini' });
    assert.equal(killed.mercyMs, 500);
    await waitForState(emperor, 'stubborn.ini', 'stopped');
    assert.equal(emperor.find('master exited', { vassal: 'stubborn.ini' })[0]?.signal, 'SIGKILL');
    await waitFor('the stubborn master to be gone', () => (isAlive(Number(ready.masterPid)) ? undefined : true), 5_000);
  });

  test('through all of it the good vassal kept its one master', () => {
    assert.deepEqual(statesOf(emperor, 'good.ini'), ['starting', 'ready']);
    assert.ok(isAlive(goodPid));
  });
});
