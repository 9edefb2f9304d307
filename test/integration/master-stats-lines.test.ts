// The lines SIGUSR1 and SIGUSR2 print, read as a log parser reads them: one
// `pid` (the master's), the worker's as `workerPid`, every time in one format,
// and totals that are the workers' own, with the master's RSS apart.
import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { get } from '../helpers/http-client.js';
import { APPS } from '../helpers/paths.js';
import { killAll, type LogLine } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids, startMaster } from '../helpers/uw-master.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** The raw JSON text of every stdout line with this message. */
const rawLines = (stdout: string, msg: string): string[] => stdout.split('\n').filter((text) => text.includes(`"msg":"${msg}"`));

describe('SIGUSR1 and SIGUSR2 lines', () => {
  it('carry one pid (the master\'s), ISO times, and the master\'s RSS apart from the workers\' totals', async () => {
    const { cli, port } = await startMaster([dir.write('stats.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\nprocesses = 2\n`)]);
    for (let i = 0; i < 3; i += 1) await get({ port });
    const workers = liveWorkerPids(cli);
    cli.signal('SIGUSR1');
    const totals = await cli.waitForLog('stats');
    cli.signal('SIGUSR2');
    await cli.waitForLog('worker status', {}, 2);

    for (const msg of ['worker stats', 'stats', 'worker status']) {
      for (const text of rawLines(cli.stdout, msg)) {
        assert.equal(text.match(/"pid":/g)?.length, 1, `one "pid" key in ${text}`);
        assert.equal((JSON.parse(text) as LogLine).pid, cli.pid, 'pid is the master\'s');
      }
    }
    const perWorker = [...cli.find('worker stats'), ...cli.find('worker status')];
    assert.equal(perWorker.length, 4);
    for (const line of perWorker) {
      assert.ok(workers.includes(line.workerPid as number), `workerPid ${String(line.workerPid)} is a worker`);
      assert.match(String(line.since), ISO);
    }
    const workerRss = cli.find('worker stats').reduce((sum, line) => sum + (line.rssBytes as number), 0);
    assert.equal(totals.rssBytes, workerRss, 'totals are the workers\' own');
    assert.equal(typeof totals.masterRssBytes, 'number');
    assert.ok((totals.masterRssBytes as number) > 0);
    assert.equal(totals.requests, 3);
  });
});
