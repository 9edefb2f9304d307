// The master's stats server as a socket: an address in use fails the start
// (exit 75, UW_SOCKET_IN_USE naming `stats`), a UNIX one is 0600 and removed at
// stop, clients that never read or come by the thousand stall nothing, and the
// listen queue is the kernel's (connections waiting while the workers are paused).
import assert from 'node:assert/strict';
import { existsSync, lstatSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, afterEach, describe, it } from 'node:test';
import type { MasterStatsDocument } from '../../src/stats/master-document.js';
import { readStats } from '../../src/stats/read-stats.js';
import { freePort } from '../helpers/free-port.js';
import { get } from '../helpers/http-client.js';
import { APPS } from '../helpers/paths.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { startMaster } from '../helpers/uw-master.js';
import { UW_BIN } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait-for.js';

const dir = new TempDir();
const sockets: Socket[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) server.close();
  await killAll();
});
after(() => dir.remove());

const vassal = (name: string, stats: string, extra = ''): string =>
  dir.write(name, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}stats-app.mjs\nstats = ${stats}\n${extra}`);

/** Open a connection and resolve once it is established (accepted by the kernel, perhaps not by a process). */
function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
    sockets.push(socket);
  });
}

async function statsOf(port: number): Promise<MasterStatsDocument> {
  return JSON.parse(await readStats({ type: 'tcp', host: '127.0.0.1', port })) as MasterStatsDocument;
}

describe('master stats server socket', () => {
  it('fails the start with exit 75 and UW_SOCKET_IN_USE naming "stats" when the address is taken', async () => {
    const port = await freePort();
    const holder = createServer();
    servers.push(holder);
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    const cli = new SpawnedCli(UW_BIN, [vassal('taken.ini', `127.0.0.1:${port}`)]);
    const { code } = await cli.exited;
    assert.equal(code, 75);
    assert.match(cli.stderr, /option "stats": address already in use: 127\.0\.0\.1:\d+ \[UW_SOCKET_IN_USE\]/);
    assert.equal(cli.find('master started').length, 0, 'no worker was started');
  });

  it('creates a UNIX stats socket 0600 and removes it at stop; stats-http gives a silent client headers too', async () => {
    const path = dir.file('stats.sock');
    const { cli } = await startMaster([vassal('unix.ini', path, 'stats-http = true\n')]);
    await cli.waitForLog('stats server listening', { where: path });
    assert.equal(lstatSync(path).mode & 0o777, 0o600);
    const text = await readStats({ type: 'unix', path });
    assert.match(text, /^HTTP\/1\.0 200 OK\r\nContent-Type: application\/json\r\n/);
    const doc = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as MasterStatsDocument;
    assert.equal(doc.vassal, 'unix.ini');
    cli.signal('SIGINT');
    assert.equal((await cli.exited).code, 0);
    assert.equal(existsSync(path), false);
  });

  it('is not stalled by a client that never reads, nor by 1,000 connections at once', async () => {
    const statsPort = await freePort();
    const { cli, port } = await startMaster([vassal('crowd.ini', `127.0.0.1:${statsPort}`, 'processes = 2\n')]);
    await cli.waitForLog('stats server listening');
    const silent = await open(statsPort);
    silent.pause(); // never reads what it is sent
    const crowd = await Promise.allSettled(Array.from({ length: 1_000 }, () => open(statsPort)));
    assert.ok(crowd.filter((result) => result.status === 'fulfilled').length > 0);
    const reply = await get({ port });
    assert.equal(reply.status, 200, 'the app socket still serves');
    for (const socket of sockets.splice(0)) socket.destroy();
    // once the crowd is gone, a new reader is answered at once (within the client's deadline)
    const doc = await waitFor('a stats read', async () => statsOf(statsPort).catch(() => undefined), 10_000, 100);
    assert.equal(doc.total_requests, 1);
    assert.equal(cli.find('worker exited').length, 0);
  });

  it('keeps the stats server across a reload, and moves it when its address changes', async () => {
    const [first, second] = [await freePort(), await freePort()];
    const ini = vassal('moves.ini', `127.0.0.1:${first}`);
    const { cli } = await startMaster([ini]);
    await cli.waitForLog('stats server listening');
    cli.signal('SIGHUP');
    await cli.waitForLog('reload finished');
    assert.equal(cli.find('stats server listening').length, 1, 'not reopened for an unchanged address');
    assert.equal((await statsOf(first)).generation, 2);
    vassal('moves.ini', `127.0.0.1:${second}`);
    cli.signal('SIGHUP');
    await cli.waitForLog('reload finished', {}, 2);
    assert.equal((await statsOf(second)).generation, 3);
    await assert.rejects(statsOf(first), /ECONNREFUSED/);
  });

  it('reports the accept queue the kernel holds while the workers are paused', async () => {
    const statsPort = await freePort();
    const { cli, port } = await startMaster([vassal('queue.ini', `127.0.0.1:${statsPort}`, 'processes = 1\n')]);
    await cli.waitForLog('stats server listening');
    cli.signal('SIGTSTP');
    await cli.waitForLog('paused');
    for (let i = 0; i < 5; i += 1) await open(port);
    const doc = await statsOf(statsPort);
    assert.equal(doc.sockets[0]?.queue, 5, 'five connections wait, unaccepted');
    assert.equal(doc.listen_queue, 5);
    assert.ok((doc.sockets[0]?.max_queue ?? 0) > 0);
    assert.equal(doc.workers[0]?.status, 'pause');
    cli.signal('SIGTSTP');
    await cli.waitForLog('resumed');
    const after = await waitFor('the queue to drain', async () => {
      const next = await statsOf(statsPort);
      return next.listen_queue === 0 ? next : undefined;
    });
    assert.equal(after.sockets[0]?.queue, 0);
  });
});
