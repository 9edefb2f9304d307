// A chain reload whose replacement never becomes ready stops there: the old
// workers not yet replaced keep serving, the log names the worker and why, and
// the emperor sees the reload failed. SIGURG then rebuilds every worker from
// the config that was last ready.
import { writeFileSync } from 'node:fs';
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../helpers/free-port.js';
import { get } from '../helpers/http-client.js';
import { APPS } from '../helpers/paths.js';
import { killAll, type SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids, startMaster } from '../helpers/uw-master.js';
import { waitFor } from '../helpers/wait-for.js';
import { startEmperor, waitForState } from './emperor-harness.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

// reload-nice = 0: with the 1.5 s ready-timeout, a healthy replacement booting at niceness 10 on a loaded machine
// could miss it itself; these tests are about the workers that never get ready
const vassal = (port: number, app: string, version: string): string =>
  `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${APPS}${app}\nprocesses = 3\nreload-mode = chain\nready-timeout = 1.5\nreload-nice = 0\nenv = VERSION=${version}\n`;

/** The generation of each live worker, by slot (from the log). */
function generations(cli: SpawnedCli, vassalName?: string): Record<number, number> {
  const live = new Set(liveWorkerPids(cli));
  const out: Record<number, number> = {};
  for (const line of cli.find('worker ready', vassalName === undefined ? {} : { vassal: vassalName })) {
    if (live.has(line.workerPid as number)) out[line.worker as number] = line.generation as number;
  }
  return out;
}

/** The VERSION in `count` answers, each on a new connection. */
async function versions(port: number, count = 12): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < count; i += 1) seen.add((await get({ port })).body.split(' ')[2] ?? '');
  return seen;
}

describe('chain reload failures', () => {
  it('stops at a replacement that is never ready: the old workers keep serving, the log says which worker and why', async () => {
    const port = await freePort();
    const file = dir.write('chain-hang.ini', vassal(port, 'hello.mjs', 'A'));
    const { cli } = await startMaster([file]);
    const old = liveWorkerPids(cli).sort();
    writeFileSync(file, vassal(port, 'never-ready.mjs', 'B'));
    cli.signal('SIGHUP');
    const failed = await cli.waitForLog('reload failed, still serving with the old workers', {}, 1, 30_000);
    assert.equal(failed.mode, 'chain');
    assert.match(String(failed.reason), /^worker 1 was not ready within 1500 ms/);
    const stopped = cli.find('chain reload stopped')[0];
    assert.deepEqual([stopped?.worker, stopped?.replaced, stopped?.keptOld], [1, 0, 3]);
    // the replacement was killed; the three old workers are the ones serving
    await waitFor('the replacement gone', () => (liveWorkerPids(cli).length === 3 ? true : undefined));
    assert.deepEqual(liveWorkerPids(cli).sort(), old);
    assert.deepEqual(await versions(port), new Set(['A']));
    assert.equal(cli.find('worker respawn scheduled').length, 0);

    // a good config afterwards: the chain goes through
    writeFileSync(file, vassal(port, 'hello.mjs', 'C'));
    cli.signal('SIGHUP');
    await cli.waitForLog('reload finished', { mode: 'chain' }, 1, 30_000);
    assert.deepEqual(await versions(port), new Set(['C']));
  });

  it('under the emperor: a chain stopped at worker 2 is a failed reload; SIGURG rebuilds every worker from the last ready config, not the one before', async () => {
    const port = await freePort();
    const vassals = new TempDir();
    try {
      const file = vassals.write('app.ini', vassal(port, 'hello.mjs', 'Z'));
      const emperor = startEmperor([vassals.path], { fake: false });
      await waitForState(emperor, 'app.ini', 'ready');
      // Z, then A became ready: A is the current ready config, Z the previous one
      writeFileSync(file, vassal(port, 'hello.mjs', 'A'));
      await emperor.waitForLog('reload finished', { vassal: 'app.ini', mode: 'chain' }, 1, 30_000);
      writeFileSync(file, vassal(port, 'hang-unless-first.mjs', 'B'));
      const failed = await emperor.waitForLog('vassal state', { vassal: 'app.ini', from: 'reloading', to: 'ready' }, 2, 30_000);
      assert.match(String(failed.reloadFailed), /^worker 2 was not ready within 1500 ms/);
      const stopped = emperor.find('chain reload stopped', { vassal: 'app.ini' })[0];
      assert.deepEqual([stopped?.worker, stopped?.replaced, stopped?.keptOld], [2, 1, 2]);
      // worker 1 is the new generation, 2 and 3 the old one
      await waitFor('the stopped replacement gone', () => (liveWorkerPids(emperor).length === 3 ? true : undefined));
      assert.deepEqual(generations(emperor, 'app.ini'), { 1: 3, 2: 2, 3: 2 });

      const master = Number(emperor.find('master started', { vassal: 'app.ini' })[0]?.pid);
      process.kill(master, 'SIGURG');
      const restored = await emperor.waitForLog('reload finished', { vassal: 'app.ini', source: 'snapshot' }, 1, 30_000);
      assert.equal(restored.generation, 4);
      assert.equal(emperor.find('restoring a snapshot', { vassal: 'app.ini' })[0]?.restoring, 'the current ready config');
      await waitFor('three workers', () => (liveWorkerPids(emperor).length === 3 ? true : undefined));
      assert.deepEqual(generations(emperor, 'app.ini'), { 1: 4, 2: 4, 3: 4 });
      assert.deepEqual(await versions(port), new Set(['A']));
    } finally {
      await killAll();
      vassals.remove();
    }
  });
});
