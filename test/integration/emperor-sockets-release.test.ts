// The emperor's socket copies are released when they are no longer the
// vassal's: a reload that moves the socket frees the old port for anyone, a
// removed vassal file frees its port, a file changed while the master was dead
// frees what the new config no longer names; a graceful reload keeps the copy.
import assert from 'node:assert/strict';
import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import { freePort } from '../helpers/free-port.js';
import { get } from '../helpers/http-client.js';
import { FIXTURES } from '../helpers/paths.js';
import type { SpawnedCli } from '../helpers/spawned-cli.js';
import { childrenOf, isAlive, waitFor } from '../helpers/wait-for.js';
import { startEmperor, useVassalDirs, waitForState } from './emperor-harness.js';

const APP = `${FIXTURES}emperor/app.mjs`;
const newDir = useVassalDirs();

const vassal = (port: number) => `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${APP}\nprocesses = 1\n`;

/** True when this test process can bind the port itself (then it lets it go again). */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const freed = (port: number) => waitFor(`port ${port} to be free for anyone`, async () => ((await canBind(port)) ? true : undefined), 10_000);

/** SIGKILL the master that became ready `n`-th and wait for it and its workers to die. */
async function crashMaster(emperor: SpawnedCli, name: string, n: number, reason?: string): Promise<void> {
  const ready = await emperor.waitForLog('vassal state', { vassal: name, to: 'ready', ...(reason !== undefined && { reason }) }, n);
  const master = Number(ready.masterPid);
  const pids = [master, ...childrenOf(master)];
  process.kill(master, 'SIGKILL');
  await waitFor(`master ${master} and its workers to die`, () => (pids.every((pid) => !isAlive(pid)) ? true : undefined), 5_000);
}

describe('the emperor releases socket copies that are no longer the vassal\'s', () => {
  test('a graceful reload keeps the copy; a reload to a new port frees the old one and keeps the new one', async () => {
    const dir = newDir();
    const [first, second] = [await freePort(), await freePort()];
    const file = dir.write('move.ini', vassal(first));
    const emperor = startEmperor([dir.path], { fake: false });
    await waitForState(emperor, 'move.ini', 'ready');
    const now = new Date();
    utimesSync(file, now, now);
    await crashMaster(emperor, 'move.ini', 1, 'master reloaded');
    await emperor.waitForLog('socket taken back from the emperor', { vassal: 'move.ini', where: `127.0.0.1:${first}` });
    await waitForState(emperor, 'move.ini', 'ready', 3);

    writeFileSync(file, vassal(second));
    await emperor.waitForLog('vassal state', { vassal: 'move.ini', to: 'ready', reason: 'master reloaded' }, 2);
    await freed(first);
    await crashMaster(emperor, 'move.ini', 2, 'master reloaded');
    assert.equal((await get({ port: second }, '/', false, 15_000)).status, 200);
    await emperor.waitForLog('socket taken back from the emperor', { vassal: 'move.ini', where: `127.0.0.1:${second}` });
    assert.equal(await canBind(first), true, 'the old port stays free');
  });

  test('removing the vassal file frees its port', async () => {
    const dir = newDir();
    const port = await freePort();
    const file = dir.write('gone.ini', vassal(port));
    const emperor = startEmperor([dir.path], { fake: false });
    await waitForState(emperor, 'gone.ini', 'ready');
    assert.equal(await canBind(port), false);
    rmSync(file);
    await waitForState(emperor, 'gone.ini', 'stopped');
    await freed(port);
  });

  test('a file changed while the master was dead: the new master binds the new port, the old copy is released', async () => {
    const dir = newDir();
    const [first, second] = [await freePort(), await freePort()];
    const file = dir.write('edit.ini', vassal(first));
    const emperor = startEmperor([dir.path], { fake: false });
    await waitForState(emperor, 'edit.ini', 'ready');
    // the emperor sees the crash and the new file together
    emperor.signal('SIGSTOP');
    try {
      await crashMaster(emperor, 'edit.ini', 1);
      writeFileSync(file, vassal(second));
    } finally {
      emperor.signal('SIGCONT');
    }
    await waitForState(emperor, 'edit.ini', 'ready', 2);
    assert.equal((await get({ port: second }, '/', false, 15_000)).status, 200);
    await freed(first);
  });
});
