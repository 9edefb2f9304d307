// Sockets outlive a crashed master: the emperor keeps a copy of each listening
// socket, so a client that connects while a SIGKILLed master is dead waits in
// the backlog and is answered by the restarted master's workers; the port (even
// :0) and the UNIX socket file stay the same; the emperor never accepts on its
// copies and leaks no descriptor over 20 crashes.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { describe, test } from 'node:test';
import { freePort } from '../helpers/free-port.js';
import { get } from '../helpers/http-client.js';
import { FIXTURES } from '../helpers/paths.js';
import { tcpSocketsOf } from '../helpers/proc-sockets.js';
import type { SpawnedCli } from '../helpers/spawned-cli.js';
import { exchange, request as uwsgiRequest, uwsgiPacket } from '../helpers/uwsgi-client.js';
import { childrenOf, isAlive, waitFor } from '../helpers/wait-for.js';
import { startEmperor, useVassalDirs, waitForState } from './emperor-harness.js';

const APP = `${FIXTURES}emperor/app.mjs`;
const newDir = useVassalDirs();
const LISTEN = '0A';
const ESTABLISHED = '01';

const vassal = (socket: string, extra = '') => `[uwsgi]\nhttp-socket = ${socket}\nmodule = ${APP}\nprocesses = 1\n${extra}`;

/** SIGKILL the vassal's master (its `n`-th ready one) and wait until it and its workers are gone. */
async function crashMaster(emperor: SpawnedCli, name: string, n: number): Promise<void> {
  const ready = await waitForState(emperor, name, 'ready', n);
  const master = Number(ready.masterPid);
  const pids = [master, ...childrenOf(master)];
  process.kill(master, 'SIGKILL');
  await waitFor(`master ${master} and its workers to die`, () => (pids.every((pid) => !isAlive(pid)) ? true : undefined), 5_000);
}

const fdCount = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

describe('sockets outlive a crashed master', () => {
  test('a client connecting while the master is dead is answered by the next one; :0 keeps its port', async () => {
    const dir = newDir();
    dir.write('zero.ini', vassal('127.0.0.1:0'));
    const emperor = startEmperor([dir.path], { fake: false });
    const bound = await emperor.waitForLog('socket bound', { vassal: 'zero.ini' });
    const port = Number(String(bound.where).split(':')[1]);
    await waitForState(emperor, 'zero.ini', 'ready');
    assert.equal((await get({ port })).status, 200);
    // the emperor holds a listening copy and nothing else on the port
    assert.deepEqual(tcpSocketsOf(emperor.pid).filter((s) => s.localPort === port).map((s) => s.state), [LISTEN]);

    await crashMaster(emperor, 'zero.ini', 1);
    // no process of this vassal runs: before, this connection was refused
    const reply = await get({ port }, '/', false, 15_000);
    assert.equal(reply.status, 200);
    assert.match(reply.body, /^hi - \d+$/);
    const taken = await emperor.waitForLog('socket taken back from the emperor', { vassal: 'zero.ini' });
    assert.equal(taken.where, `127.0.0.1:${port}`, 'the :0 socket keeps its port across the crash');
    assert.equal(emperor.find('socket bound', { vassal: 'zero.ini' }).length, 1, 'the restarted master bound nothing');
    assert.ok(!tcpSocketsOf(emperor.pid).some((s) => s.localPort === port && s.state === ESTABLISHED), 'the emperor accepted a connection');
  });

  test('a UNIX socket keeps its file, mode and owner, and waits for the next master', async () => {
    const dir = newDir();
    const path = dir.file('app.sock');
    dir.write('unix.ini', vassal(path, 'chmod-socket = 660\n'));
    const emperor = startEmperor([dir.path], { fake: false });
    await waitForState(emperor, 'unix.ini', 'ready');
    const before = statSync(path);
    assert.equal(before.mode & 0o777, 0o660);

    await crashMaster(emperor, 'unix.ini', 1);
    const reply = await get({ socketPath: path }, '/', false, 15_000);
    assert.equal(reply.status, 200);
    await emperor.waitForLog('socket taken back from the emperor', { vassal: 'unix.ini', where: path });
    const after = statSync(path);
    assert.deepEqual([after.ino, after.mode, after.uid, after.gid], [before.ino, before.mode, before.uid, before.gid], 'the same socket file, untouched');
  });

  test('a uwsgi socket is kept too, and the next master serves it with the uwsgi protocol', async () => {
    const dir = newDir();
    const path = dir.file('uwsgi.sock');
    dir.write('uwsgi.ini', `[uwsgi]\nsocket = ${path}\nmodule = ${APP}\nprocesses = 1\n`);
    const emperor = startEmperor([dir.path], { fake: false });
    await waitForState(emperor, 'uwsgi.ini', 'ready');
    assert.equal((await uwsgiRequest({ path }, 'GET', '/')).status, 200);

    await crashMaster(emperor, 'uwsgi.ini', 1);
    const reply = await exchange({ path }, uwsgiPacket({ REQUEST_METHOD: 'GET', REQUEST_URI: '/' }), undefined, 15_000);
    assert.equal(reply.status, 200);
    assert.match(reply.body, /^hi - \d+$/);
    await emperor.waitForLog('socket taken back from the emperor', { vassal: 'uwsgi.ini', where: path, protocol: 'uwsgi' });
  });

  test('20 crashes leak no descriptor in the emperor', async () => {
    const dir = newDir();
    const port = await freePort();
    dir.write('leak.ini', vassal(`127.0.0.1:${port}`, `http-socket = ${dir.file('leak.sock')}\n`));
    const emperor = startEmperor([dir.path], { fake: false });
    await waitForState(emperor, 'leak.ini', 'ready');
    const baseline = fdCount(emperor.pid);
    for (let n = 1; n <= 20; n += 1) await crashMaster(emperor, 'leak.ini', n);
    await waitForState(emperor, 'leak.ini', 'ready', 21, 30_000);
    assert.equal((await get({ port })).status, 200);
    assert.equal(emperor.find('socket taken back from the emperor', { vassal: 'leak.ini' }).length, 40, 'each restart took both sockets back');
    assert.equal(fdCount(emperor.pid), baseline, 'the emperor holds as many descriptors as before the crashes');
  });
});
