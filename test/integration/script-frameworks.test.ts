// Unmodified Node server scripts under a real `uw` (script = FILE): Express,
// Fastify and Koa apps calling listen(process.env.PORT || 3000), one with a
// hard-coded port and a CommonJS one; two workers each, both answering through
// the master's one socket. Fastify's second server for 'localhost' (::1) is
// refused instead of binding a port of its own outside the master.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, afterEach, describe, it } from 'node:test';
import { get } from '../helpers/http-client.js';
import { killAll } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids, startMaster } from '../helpers/uw-master.js';
import { answeringPids, SCRIPTS, scriptVassal } from './script-harness.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

/** Resolve with the connect error's code, or 'connected'. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port }, () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('unmodified scripts, two workers on the master\'s socket', () => {
  const apps: [string, string, RegExp][] = [
    ['Express', 'express.mjs', /^hello \d+$/],
    ['Fastify', 'fastify.mjs', /^hello \d+$/],
    ['Koa', 'koa.mjs', /^hello \d+$/],
    ['a hard-coded port (listen(3000))', 'hard-coded-port.mjs', /^hello \d+$/],
    ['CommonJS', 'commonjs.cjs', /^hello \d+ cjs$/],
  ];
  for (const [name, script, body] of apps) {
    it(`${name}: answers from both workers' PIDs, each listen() on the master's socket`, async () => {
      const { cli, port } = await startMaster([scriptVassal(dir, `${script}.ini`, script)]);
      const pids = await answeringPids(port, 2);
      assert.deepEqual([...pids].sort(), liveWorkerPids(cli).sort(), 'the answering PIDs are the two workers');
      assert.match((await get({ port })).body, body);
      const claims = cli.find("script listens on the master's socket");
      assert.equal(claims.length, 2, 'one listen() per worker, each given the socket');
      for (const claim of claims) assert.equal(claim.where, `127.0.0.1:${port}`);
      if (script === 'hard-coded-port.mjs') assert.equal(claims[0]?.asked, ':3000');
      else assert.match(String(claims[0]?.asked), new RegExp(`:${port}$`), 'PORT was set to the socket\'s port');
      assert.equal(cli.find('script binds a port of its own (every socket of the master is taken): with processes > 1 each worker binds it').length, 0);
    });
  }

  it('Fastify on a host where localhost is also ::1: its second server is refused (EADDRINUSE), nothing listens on ::1', async () => {
    const file = scriptVassal(dir, 'fastify-dual.ini', 'fastify.mjs', `node-args = --import=${SCRIPTS}localhost-dual-stack.mjs\n`);
    const { cli, port } = await startMaster([file]);
    const refusal = "script listens again on the port of the master's socket: refused (EADDRINUSE), it is served there";
    // 'master ready' may come before the second worker's ::1 server asks: wait for both.
    await cli.waitForLog(refusal, {}, 2);
    const refused = cli.find(refusal);
    assert.equal(refused.length, 2, 'each worker\'s ::1 server was refused');
    assert.equal(refused[0]?.asked, `::1:${port}`);
    assert.equal(await tryConnect('::1', port), 'ECONNREFUSED', 'a worker bound [::1]:PORT outside the master');
    assert.equal((await answeringPids(port, 2)).size, 2);
  });
});
