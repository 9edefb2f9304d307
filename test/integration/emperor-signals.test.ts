// The emperor's signal table, its pidfile commands, and no orphans when it is
// SIGKILLed.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, afterEach, describe, test } from 'node:test';
import { EMPEROR_BIN } from '../helpers/paths.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { isAlive, waitFor } from '../helpers/wait-for.js';
import { startEmperor, VassalDir, waitForState } from './emperor-harness.js';

const dirs: VassalDir[] = [];
afterEach(() => killAll());
after(() => dirs.forEach((dir) => dir.remove()));

/** An emperor with two ready vassals. */
async function twoVassals(extra: string[] = [], content = 'mode = ready\n'): Promise<{ dir: VassalDir; emperor: SpawnedCli }> {
  const dir = new VassalDir();
  dirs.push(dir);
  dir.write('one.ini', content);
  dir.write('two.json', content);
  const emperor = startEmperor([dir.path, ...extra]);
  await waitForState(emperor, 'one.ini', 'ready');
  await waitForState(emperor, 'two.json', 'ready');
  return { dir, emperor };
}

describe('emperor signals', () => {
  test('SIGHUP reloads every vassal', async () => {
    const { emperor } = await twoVassals();
    emperor.signal('SIGHUP');
    await emperor.waitForLog('fake master reloaded', { vassal: 'one.ini' });
    await emperor.waitForLog('fake master reloaded', { vassal: 'two.json' });
    // the masters' lines and the emperor's reach stdout by different writers: wait for both
    await emperor.waitForLog('vassal state', { vassal: 'one.ini', to: 'reloading' });
    await emperor.waitForLog('vassal state', { vassal: 'two.json', to: 'reloading' });
    const reasons = emperor.find('vassal state', { to: 'reloading' }).map((line) => line.reason);
    assert.deepEqual(reasons, ['emperor reload', 'emperor reload']);
  });

  test('SIGUSR1 logs one line per vassal with state, pid, uptime and its master\'s figures, then the totals', async () => {
    const { emperor } = await twoVassals();
    emperor.signal('SIGUSR1');
    const one = await emperor.waitForLog('vassal status', { vassal: 'one.ini' });
    const two = await emperor.waitForLog('vassal status', { vassal: 'two.json' });
    for (const line of [one, two]) {
      assert.equal(line.state, 'ready');
      assert.equal(typeof line.masterPid, 'number');
      assert.ok(typeof line.uptimeMs === 'number' && line.uptimeMs >= 0);
      assert.equal(line.answered, true);
      assert.equal(line.requests, 7);
    }
    const summary = await emperor.waitForLog('emperor status');
    assert.deepEqual(summary.states, { ready: 2 });
    assert.equal(summary.requests, 14);
  });

  test('SIGWINCH rescans', async () => {
    const { emperor } = await twoVassals();
    emperor.signal('SIGWINCH');
    await emperor.waitForLog('emperor rescan', { why: 'command' });
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${signal} stops every vassal gracefully, then the emperor exits 0 and removes its pidfile`, async () => {
      const dir = new VassalDir();
      dirs.push(dir);
      const pidfile = dir.file('.emperor.pid');
      const { emperor } = await twoVassals(['--pidfile', pidfile]);
      assert.equal(Number(readFileSync(pidfile, 'utf8')), emperor.pid);
      const masters = emperor.find('master spawned').map((line) => Number(line.masterPid));
      emperor.signal(signal);
      assert.deepEqual(await emperor.exited, { code: 0, signal: null });
      assert.equal(emperor.find('fake master stopping').length, 2);
      assert.deepEqual(emperor.find('vassal state', { to: 'stopping' }).map((line) => line.reason), ['emperor stopping', 'emperor stopping']);
      assert.ok(emperor.find('emperor stopped').length === 1);
      assert.ok(!existsSync(pidfile));
      assert.ok(masters.every((pid) => !isAlive(pid)));
    });
  }

  test('SIGQUIT kills every master at once, then the emperor exits 0 and removes its pidfile', async () => {
    const dir = new VassalDir();
    dirs.push(dir);
    const pidfile = dir.file('.emperor.pid');
    const { emperor } = await twoVassals(['--pidfile', pidfile], 'mode = ignore-int\n');
    emperor.signal('SIGQUIT');
    assert.deepEqual(await emperor.exited, { code: 0, signal: null });
    assert.deepEqual(emperor.find('master exited').map((line) => line.signal), ['SIGKILL', 'SIGKILL']);
    assert.ok(!existsSync(pidfile));
  });

  test('a second SIGINT kills masters that ignore the first', async () => {
    const { emperor } = await twoVassals([], 'mode = ignore-int\n');
    emperor.signal('SIGINT');
    await emperor.waitForLog('fake master ignored SIGINT', {}, 2);
    emperor.signal('SIGINT');
    assert.deepEqual(await emperor.exited, { code: 0, signal: null });
    assert.deepEqual(emperor.find('master exited').map((line) => line.signal), ['SIGKILL', 'SIGKILL']);
  });

  test('uwemperor --reload PIDFILE and --stop PIDFILE', async () => {
    const dir = new VassalDir();
    dirs.push(dir);
    const pidfile = dir.file('.emperor.pid');
    const { emperor } = await twoVassals(['--pidfile', pidfile]);
    const reload = new SpawnedCli(EMPEROR_BIN, ['--reload', pidfile]);
    assert.equal((await reload.exited).code, 0);
    await emperor.waitForLog('fake master reloaded', { vassal: 'one.ini' });
    const stop = new SpawnedCli(EMPEROR_BIN, ['--stop', pidfile]);
    assert.equal((await stop.exited).code, 0);
    assert.deepEqual(await emperor.exited, { code: 0, signal: null });
    const stale = new SpawnedCli(EMPEROR_BIN, ['--stop', pidfile]);
    assert.equal((await stale.exited).code, 1);
    assert.match(stale.stderr, /cannot read pidfile/);
  });

  test('SIGKILL of the emperor leaves no master and no worker behind', async () => {
    const { emperor } = await twoVassals([], 'mode = ready\nworker = true\n');
    await emperor.waitForLog('fake worker spawned', {}, 2);
    const pids = emperor.descendants();
    const workers = emperor.find('fake worker spawned').map((line) => Number(line.workerPid));
    assert.ok(workers.every((pid) => pids.includes(pid)), 'workers are descendants');
    assert.ok(pids.length >= 4, `expected 2 masters and 2 workers, found ${pids.length} processes`);
    emperor.signal('SIGKILL');
    await emperor.exited;
    await waitFor('every master and worker to exit', () => (pids.every((pid) => !isAlive(pid)) ? true : undefined), 5_000);
  });
});
