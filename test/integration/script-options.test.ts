// What reaches a script worker's app and what the master sees of it, with a
// real `uw`: node-args (in process.execArgv) and script-args (in process.argv),
// PORT; two sockets claimed by kind and path whatever their config order; a
// metrics port of the app's own bound as in plain Node (and the EADDRINUSE of
// its second worker reported as an app error with back-off); the requests of
// script workers counted in the stats server's document and in `uwemperor ls`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { after, afterEach, describe, it } from 'node:test';
import type { LsRow } from '../../src/cli/ls-rows.js';
import type { MasterStatsDocument } from '../../src/stats/master-document.js';
import { readStats } from '../../src/stats/read-stats.js';
import { freePort } from '../helpers/free-port.js';
import { get } from '../helpers/http-client.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { testControlPath } from '../helpers/control-socket.js';
import { EMPEROR_BIN, UW_BIN } from '../helpers/paths.js';
import { startMaster } from '../helpers/uw-master.js';
import { waitFor } from '../helpers/wait-for.js';
import { startEmperor, waitForState } from './emperor-harness.js';
import { answeringPids, scriptVassal } from './script-harness.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

interface Info {
  readonly argv: string[];
  readonly execArgv: string[];
  readonly port: string | null;
}

describe('script workers: options and what the master sees', () => {
  it('node-args reach process.execArgv, script-args process.argv, PORT the socket\'s port', async () => {
    const extra = 'node-args = --max-old-space-size=64 --enable-source-maps\nscript-args = --greeting "hello world" plain\n';
    const { port } = await startMaster([scriptVassal(dir, 'args.ini', 'express.mjs', extra, 1)]);
    const info = JSON.parse((await get({ port }, '/info')).body) as Info;
    assert.ok(info.execArgv.includes('--max-old-space-size=64'), `execArgv: ${info.execArgv.join(' ')}`);
    assert.ok(info.execArgv.includes('--enable-source-maps'));
    assert.deepEqual(info.argv, ['--greeting', 'hello world', 'plain']);
    assert.equal(info.port, String(port));
  });

  it('two sockets: a port not held gets the TCP socket though the UNIX one comes first; a path gets its own', async () => {
    const publicPort = await freePort();
    const admin = dir.file('admin.sock');
    const extra = `http-socket = ${admin}\nhttp-socket = 127.0.0.1:${publicPort}\nenv = PUBLIC_PORT=3000\nenv = ADMIN_PATH=${admin}\n`;
    const { cli } = await startMaster([scriptVassal(dir, 'two.ini', 'two-sockets.mjs', extra)]);
    assert.match((await get({ port: publicPort })).body, /^public \d+$/);
    assert.match((await get({ socketPath: admin })).body, /^admin \d+$/);
    const claims = cli.find("script listens on the master's socket", { worker: 1 });
    assert.deepEqual(claims.map((line) => [line.asked, line.where]), [[':3000', `127.0.0.1:${publicPort}`], [admin, admin]]);
  });

  it('a metrics port of the app\'s own binds as in plain Node; the second worker\'s EADDRINUSE is an app error with back-off', async () => {
    const metrics = await freePort();
    const file = scriptVassal(dir, 'metrics.ini', 'metrics-port.mjs', `env = METRICS_PORT=${metrics}\n`);
    const cli = new SpawnedCli(UW_BIN, [file]);
    const own = await cli.waitForLog('script binds a port of its own (every socket of the master is taken): with processes > 1 each worker binds it');
    assert.equal(own.asked, `127.0.0.1:${metrics}`);
    const error = await cli.waitForLog('worker app error');
    assert.equal(error.errorType, 'Error [EADDRINUSE]');
    assert.match(String(error.message), new RegExp(`EADDRINUSE.*127\\.0\\.0\\.1:${metrics}`));
    const respawn = await cli.waitForLog('worker respawn scheduled');
    assert.match(String(respawn.reason), new RegExp(`exited with code 1.*: Error \\[EADDRINUSE\\].*: listen EADDRINUSE: address already in use 127\\.0\\.0\\.1:${metrics}$`));
    assert.match((await get({ port: metrics })).body, /^metrics \d+$/, 'the first worker serves its metrics port');
  });

  it('counts the requests of script workers in the stats server\'s document', async () => {
    const stats = await freePort();
    const { port } = await startMaster([scriptVassal(dir, 'stats.ini', 'koa.mjs', `stats = 127.0.0.1:${stats}\n`)]);
    await answeringPids(port, 2);
    for (let i = 0; i < 20; i += 1) await get({ port });
    const document = await waitFor('the stats document to count the requests', async () => {
      const doc = JSON.parse(await readStats({ type: 'tcp', host: '127.0.0.1', port: stats })) as MasterStatsDocument;
      return doc.total_requests >= 22 ? doc : undefined;
    });
    assert.equal(document.workers.length, 2);
    for (const worker of document.workers) {
      assert.equal(worker.kind, 'script');
      assert.equal(worker.counted, true);
      assert.ok(worker.requests > 0, `worker ${worker.pid} counted no request`);
      assert.ok(worker.tx > 0);
    }
    assert.equal(document.workers.reduce((sum, worker) => sum + worker.requests, 0), document.total_requests);
  });

  it('counts them in `uwemperor ls` too, through a real emperor', async () => {
    const control = testControlPath();
    const port = await freePort();
    mkdirSync(dir.file('vassals'));
    scriptVassal(dir, 'vassals/app.ini', 'express.mjs', `http-socket = 127.0.0.1:${port}\n`);
    const emperor = startEmperor([dir.file('vassals')], { fake: false, env: { UWEMPEROR_CONTROL: control } });
    await waitForState(emperor, 'app.ini', 'ready', 1, 30_000);
    await answeringPids(port, 2);
    for (let i = 0; i < 10; i += 1) await get({ port });
    const row = await waitFor('ls to show the requests', () => {
      const rows = JSON.parse(execFileSync(process.execPath, [EMPEROR_BIN, 'ls', '--json', '--control', control], { encoding: 'utf8' })) as LsRow[];
      const app = rows.find((each) => each.vassal === 'app.ini');
      return (app?.requests ?? 0) >= 12 ? app : undefined;
    }, 20_000, 200);
    assert.deepEqual([row.state, row.workers_ready, row.workers_total], ['ready', 2, 2]);
  });
});
