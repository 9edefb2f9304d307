// Zerg mode between two real uw masters: a zerg serves the port of its zerg
// server with its own workers (module or exec), keeps serving when the server
// master is SIGKILLed, and reloads under load without losing a request.
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { freePort } from '../helpers/free-port.js';
import { tryGet } from '../helpers/http-client.js';
import { startLoad } from '../helpers/load.js';
import { APPS, UW_BIN, PYTHON } from '../helpers/paths.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids } from '../helpers/uw-master.js';
import { request as uwsgiRequest } from '../helpers/uwsgi-client.js';
import { waitFor } from '../helpers/wait-for.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

/** A server master on a fresh port with a zerg server, ready. */
async function startServer(name: string): Promise<{ cli: SpawnedCli; port: number; zergPath: string }> {
  const port = await freePort();
  const zergPath = dir.file(`${name}.sock`);
  const file = dir.write(`${name}.ini`, `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${APPS}hello.mjs\nzerg-server = ${zergPath}\n`);
  const cli = new SpawnedCli(UW_BIN, [file]);
  await cli.waitForLog('master ready');
  return { cli, port, zergPath };
}

/** A zerg master attached to `zergPath`, ready. */
async function startZerg(name: string, zergPath: string, app = `module = ${APPS}hello.mjs`, processes = 1): Promise<SpawnedCli> {
  const cli = new SpawnedCli(UW_BIN, [dir.write(`${name}.ini`, `[uwsgi]\nzerg = ${zergPath}\n${app}\nprocesses = ${processes}\n`)]);
  await cli.waitForLog('master ready');
  return cli;
}

/** The line a plain socket's server says to a client. */
function rawLine(path: string): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const socket = connect(path);
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    socket.on('close', () => resolve(text.trim()));
    socket.on('error', () => resolve(''));
  });
}

/** The PIDs that answer on `port`, once every one of `expected` did. */
async function answeringPids(port: number, expected: readonly number[]): Promise<Set<number>> {
  const seen = new Set<number>();
  return waitFor(`answers from ${expected.join(', ')}`, async () => {
    const reply = await tryGet({ port });
    const pid = Number(reply?.body.split(' ')[1]);
    if (reply?.status === 200 && pid > 0) seen.add(pid);
    return expected.every((want) => seen.has(want)) ? seen : undefined;
  }, 20_000, 1);
}

describe('zerg mode', () => {
  it('a zerg and its server serve the same port: answers come from the workers of both', async () => {
    const server = await startServer('same-port');
    assert.equal(lstatSync(server.zergPath).mode & 0o777, 0o600, 'the zerg server socket is 0600 without chmod-socket');
    const zerg = await startZerg('same-port-zerg', server.zergPath);
    assert.equal(zerg.find('socket bound').length, 0, 'a zerg binds nothing');
    assert.equal(zerg.find('socket attached', { where: `127.0.0.1:${server.port}`, protocol: 'http' }).length, 1);
    const pids = await answeringPids(server.port, [...liveWorkerPids(server.cli), ...liveWorkerPids(zerg)]);
    assert.equal(pids.size, 2);
    await server.cli.waitForLog('zerg attached', { sockets: 1 });

    // a reload of the server keeps its zerg server socket: one more zerg attaches afterwards
    const inode = lstatSync(server.zergPath).ino;
    server.cli.signal('SIGHUP');
    await server.cli.waitForLog('reload finished');
    assert.equal(lstatSync(server.zergPath).ino, inode, 'the same zerg server socket file');
    const second = await startZerg('same-port-zerg2', server.zergPath);
    await answeringPids(server.port, [...liveWorkerPids(server.cli), ...liveWorkerPids(zerg), ...liveWorkerPids(second)]);
  });

  it('takes every socket of the server in one message, each served with the protocol of the zerg\'s line for it (HTTP when none)', async () => {
    const port = await freePort();
    const raw = dir.file('raw.sock');
    // a directory of its own: a temporary bind name is matched to the one UNIX line in its directory
    mkdirSync(dir.file('uwsgi'));
    const uwsgi = dir.file('uwsgi/uwsgi.sock');
    const zergPath = dir.file('two.sock');
    const app = `module = ${APPS}two-protocols.mjs`;
    const server = new SpawnedCli(UW_BIN, [dir.write('two.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nraw-socket = ${raw}\nsocket = ${uwsgi}\n${app}\nzerg-server = ${zergPath}\n`)]);
    await server.waitForLog('master ready');
    // the zerg names only the raw and uwsgi sockets; the TCP one is served as HTTP, the default
    const zerg = await startZerg('two-zerg', zergPath, `raw-socket = ${raw}\nsocket = ${uwsgi}\n${app}`);
    assert.equal(zerg.find('socket attached', { where: `127.0.0.1:${port}`, protocol: 'http' }).length, 1);
    assert.equal(zerg.find('socket attached', { where: raw, protocol: 'raw' }).length, 1);
    assert.equal(zerg.find('socket attached', { where: uwsgi, protocol: 'uwsgi' }).length, 1);
    const [zergWorker] = liveWorkerPids(zerg);
    await waitFor('a raw answer from the zerg', async () => ((await rawLine(raw)) === `raw ${zergWorker} http-socket:raw-socket:socket` ? true : undefined), 20_000, 1);
    await waitFor('a uwsgi answer from the zerg', async () => ((await uwsgiRequest({ path: uwsgi }, 'GET', '/').catch(() => undefined))?.body === `http ${zergWorker}` ? true : undefined), 20_000, 1);
    await waitFor('an HTTP answer from the zerg', async () => ((await tryGet({ port }))?.body === `http ${zergWorker}` ? true : undefined), 20_000, 1);
  });

  it('an exec zerg gets the received socket blocking, as LISTEN_FDS', async () => {
    const server = await startServer('exec');
    const zerg = await startZerg('exec-zerg', server.zergPath, `exec = ${PYTHON} ${APPS}accept-loop.py`);
    await waitFor('the exec zerg worker answers', async () => {
      const reply = await tryGet({ port: server.port });
      return reply?.body.startsWith('accept-loop ') ? true : undefined;
    }, 20_000, 1);
    // a non-blocking socket would make its plain accept() fail at once (EAGAIN) while the server serves
    assert.equal(zerg.find('worker exited').length, 0, 'the exec worker never died');
    assert.equal(zerg.child.exitCode, null);
  });

  it('keeps serving when the server master is SIGKILLed', async () => {
    const server = await startServer('killed');
    const zerg = await startZerg('killed-zerg', server.zergPath);
    const zergPids = liveWorkerPids(zerg);
    await answeringPids(server.port, [...liveWorkerPids(server.cli), ...zergPids]);
    await server.cli.kill();
    // the server's workers die with it (parent-death signal); the zerg's copy keeps the port open
    for (let i = 0; i < 20; i += 1) {
      const reply = await tryGet({ port: server.port });
      assert.equal(reply?.status, 200, `request ${i} after the server died`);
      assert.ok(zergPids.includes(Number(reply.body.split(' ')[1])), `answered by ${reply.body}`);
    }
  });

  it('reloads gracefully under load (SIGHUP) with zero failed requests, attaching again each time', async () => {
    const server = await startServer('reload');
    const zerg = await startZerg('reload-zerg', server.zergPath, `module = ${APPS}hello.mjs`, 2);
    const load = startLoad(server.port, { keepAlive: 3, fresh: 3 });
    const RELOADS = 3;
    try {
      for (let reload = 1; reload <= RELOADS; reload += 1) {
        const before = load.result.ok;
        await waitFor('requests flowing', () => (load.result.ok >= before + 50 ? true : undefined), 30_000);
        zerg.signal('SIGHUP');
        await zerg.waitForLog('reload finished', {}, reload, 30_000);
      }
      const before = load.result.ok;
      await waitFor('requests after the last reload', () => (load.result.ok >= before + 50 ? true : undefined), 30_000);
    } finally {
      await load.stop();
    }
    assert.equal(load.result.failed, 0, `failed requests: ${load.result.errors.slice(0, 5).join(', ')}`);
    assert.equal(zerg.find('attached to zerg server').length, RELOADS + 1, 'attached at start and on every reload');
    assert.equal(zerg.find('reload failed, still serving with the old workers').length, 0);
  });
});
