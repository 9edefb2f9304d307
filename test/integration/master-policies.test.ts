// The worker policies with the real uw: harakiri kills a worker whose request
// runs too long (or whose event loop is blocked that long), counts it and
// refills the slot; max-requests, max-worker-lifetime and reload-on-rss
// replace a worker gracefully (the replacement is ready before the old one
// drains), so a load running across the recycles loses no request.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, afterEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { MasterStatsDocument } from '../../src/stats/master-document.js';
import { readStats } from '../../src/stats/read-stats.js';
import { get } from '../helpers/http-client.js';
import { startLoad } from '../helpers/load.js';
import { APPS, UW_BIN } from '../helpers/paths.js';
import { killAll, type SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids, startMaster } from '../helpers/uw-master.js';
import { isAlive, waitFor } from '../helpers/wait-for.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

const run = promisify(execFile);

async function start(name: string, options: string, processes = 2): Promise<{ cli: SpawnedCli; port: number }> {
  const ini = dir.write(name, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}policies.mjs\nprocesses = ${processes}\n${options}\n`);
  return startMaster([ini]);
}

async function statsOf(cli: SpawnedCli): Promise<MasterStatsDocument> {
  const where = String((await cli.waitForLog('stats server listening')).where);
  const port = Number(where.slice(where.lastIndexOf(':') + 1));
  return JSON.parse(await readStats({ type: 'tcp', host: '127.0.0.1', port })) as MasterStatsDocument;
}

describe('harakiri', () => {
  it('kills the worker of a request that never ends, cuts the request, counts it and refills the slot', async () => {
    const { cli, port } = await start('hang.ini', 'harakiri = 1\nstats = 127.0.0.1:0');
    const before = liveWorkerPids(cli);
    const reply = await get({ port }, '/hang', false, 20_000).then(
      () => 'answered',
      (err: unknown) => (err as Error).message,
    );
    assert.notEqual(reply, 'answered', 'the stuck request is cut');
    const line = await cli.waitForLog('harakiri: request too long, worker killed');
    assert.equal(line.request, 'GET /hang');
    assert.equal(line.blocked, false);
    assert.ok(Number(line.runningMs) > 1000, `ran ${String(line.runningMs)} ms`);
    assert.equal(line.lost, 1);
    const killed = Number(line.workerPid);
    assert.ok(before.includes(killed));
    await waitFor('the killed worker to be gone', () => (isAlive(killed) ? undefined : true));
    await waitFor('its slot to be refilled', () => (liveWorkerPids(cli).length === 2 && !liveWorkerPids(cli).includes(killed) ? true : undefined), 15_000);
    const doc = await statsOf(cli);
    assert.equal(doc.workers.reduce((sum, worker) => sum + worker.harakiri_count, 0), 1);
    assert.equal((await get({ port }, '/')).status, 200);
  });

  it('kills what the stuck worker started too (its process group): no orphan survives', async () => {
    const { cli, port } = await start('orphan.ini', 'harakiri = 1', 1);
    const child = Number((await get({ port }, '/child')).body);
    assert.ok(child > 0 && isAlive(child));
    void get({ port }, '/hang', false, 20_000).catch(() => undefined);
    await cli.waitForLog('harakiri: request too long, worker killed');
    await waitFor('the worker\'s own subprocess to be gone', () => (isAlive(child) ? undefined : true));
  });

  it('kills a worker whose event loop stays blocked longer than harakiri', async () => {
    const { cli, port } = await start('spin.ini', 'harakiri = 1', 1);
    const [worker] = liveWorkerPids(cli);
    void get({ port }, '/spin', false, 30_000).catch(() => undefined);
    const line = await cli.waitForLog('harakiri: request too long, worker killed');
    assert.equal(line.workerPid, worker);
    assert.equal(line.blocked, true);
    await waitFor('a new worker to serve', async () => ((await get({ port }, '/').catch(() => null))?.status === 200 ? true : undefined), 20_000);
  });
});

describe('graceful recycles', () => {
  it('max-requests replaces each worker after N requests without losing one, never more than one at a time', async () => {
    const { cli, port } = await start('maxreq.ini', 'max-requests = 20\nmin-worker-lifetime = 0');
    const load = startLoad(port, { keepAlive: 2, fresh: 2 });
    await cli.waitForLog('worker recycled', {}, 4, 60_000);
    const result = await load.stop();
    assert.equal(result.failed, 0, result.errors.slice(0, 5).join('\n'));
    for (const line of cli.find('worker recycled')) assert.match(String(line.reason), /^max-requests: served \d+ requests \(limit 20\)$/);
    // one recycle at a time: each "started" is followed by its "recycled" before the next "started"
    const sequence = cli.lines.filter((line) => line.msg === 'worker recycle started' || line.msg === 'worker recycled').map((line) => line.msg);
    for (let i = 1; i < sequence.length; i++) assert.notEqual(sequence[i], sequence[i - 1], `recycles overlap: ${sequence.join(', ')}`);
  });

  it('min-worker-lifetime holds max-requests back', async () => {
    const { cli, port } = await start('minlife.ini', 'max-requests = 1\nmin-worker-lifetime = 3', 1);
    const [first] = liveWorkerPids(cli);
    for (let i = 0; i < 3; i++) assert.equal((await get({ port }, '/')).status, 200);
    const recycled = await cli.waitForLog('worker recycled', {}, 1, 20_000);
    assert.equal(recycled.replaced, first);
    const spawned = cli.find('worker spawned').find((line) => line.workerPid === first);
    const began = cli.find('worker recycle started').find((line) => line.workerPid === first);
    assert.ok(spawned !== undefined && began !== undefined);
    // the master's clock: its spawn line is written just after the spawn, so allow it a few ms
    assert.ok(Date.parse(String(began.time)) - Date.parse(String(spawned.time)) >= 2950, 'not recycled before min-worker-lifetime');
  });

  it('max-worker-lifetime replaces workers as they age, under load, with no failed request', async () => {
    const { cli, port } = await start('lifetime.ini', 'max-worker-lifetime = 2');
    const load = startLoad(port, { keepAlive: 2, fresh: 2 });
    await cli.waitForLog('worker recycled', {}, 3, 60_000);
    const result = await load.stop();
    assert.equal(result.failed, 0, result.errors.slice(0, 5).join('\n'));
    assert.match(String(cli.find('worker recycled')[0]?.reason), /^max-worker-lifetime: ran \d+ s \(limit 2 s\)$/);
  });

  it('reload-on-rss replaces a worker whose memory grew past the limit', async () => {
    const { cli, port } = await start('rss.ini', 'reload-on-rss = 120\nmin-worker-lifetime = 0', 1);
    const [first] = liveWorkerPids(cli);
    for (let i = 0; i < 3; i++) assert.equal((await get({ port }, '/leak')).status, 200);
    const recycled = await cli.waitForLog('worker recycled', {}, 1, 20_000);
    assert.equal(recycled.replaced, first);
    assert.match(String(recycled.reason), /^reload-on-rss: \d+ MB resident \(limit 120 MB\)$/);
    await waitFor('the leaky worker to be gone', () => (first !== undefined && isAlive(first) ? undefined : true));
  });
});

describe('policy options', () => {
  it('refuses harakiri and max-requests for exec workers, and min >= max lifetime', async () => {
    for (const [body, key] of [
      ['exec = python3 server.py\nharakiri = 5', 'harakiri'],
      ['exec = python3 server.py\nmax-requests = 5', 'max-requests'],
      [`module = ${APPS}policies.mjs\nmax-worker-lifetime = 5\nmin-worker-lifetime = 5`, 'min-worker-lifetime'],
    ] as const) {
      const ini = dir.write(`bad-${key}.ini`, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nchdir = ${APPS}\n${body}\n`);
      const failed = await run(process.execPath, [UW_BIN, ini]).then(
        () => null,
        (err: { code: number; stderr: string }) => err,
      );
      assert.ok(failed !== null, `${key}: uw should refuse the config`);
      assert.equal(failed.code, 2);
      assert.match(failed.stderr, new RegExp(`"${key}".*UW_CONFIG_CONFLICT`));
    }
  });
});
