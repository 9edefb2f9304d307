// Unmodified Node server scripts on a uwsgi `socket`: the app's own
// http.Server listens on the master's socket as usual, and its connections are
// read as uwsgi packets, each request emitted as the server's 'request' event:
// Express, Fastify and Koa answer through a hand-written uwsgi client, and a
// malformed packet is closed and counted as a module worker's would be.
import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import type { MasterStatsDocument } from '../../src/stats/master-document.js';
import { readStats } from '../../src/stats/read-stats.js';
import { killAll } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids, startMaster } from '../helpers/uw-master.js';
import { exchange, request } from '../helpers/uwsgi-client.js';
import { waitFor } from '../helpers/wait-for.js';
import { scriptVassal } from './script-harness.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

describe('script workers on a uwsgi socket', () => {
  for (const [name, script] of [['Express', 'express.mjs'], ['Fastify', 'fastify.mjs'], ['Koa', 'koa.mjs']] as const) {
    it(`${name}: requests arrive as uwsgi packets and are answered as HTTP/1.1`, async () => {
      const stats = dir.file(`${script}-stats.sock`);
      const { cli, port } = await startMaster([scriptVassal(dir, `${script}-uwsgi.ini`, script, `socket = 127.0.0.1:0\nstats = ${stats}\n`, 1)]);
      const [worker] = liveWorkerPids(cli);
      const answer = await request({ port }, 'GET', '/');
      assert.equal(answer.status, 200, answer.head);
      assert.equal(answer.body, `hello ${worker}`);
      assert.doesNotMatch(answer.head, /transfer-encoding/i);
      // HTTP spoken to a uwsgi socket is garbage to it: closed, unanswered, counted
      assert.equal((await exchange({ port }, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))).raw.length, 0);
      await waitFor('1 request and 1 exception in the stats', async () => {
        const doc = JSON.parse(await readStats({ type: 'unix', path: stats })) as MasterStatsDocument;
        return doc.workers[0]?.requests === 1 && doc.workers[0].exceptions === 1 ? true : undefined;
      });
      assert.equal((await request({ port }, 'GET', '/')).body, `hello ${worker}`, 'the same worker still serves');
    });
  }
});
