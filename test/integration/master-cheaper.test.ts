// Cheaper mode and idle with cheap, with the real uw: under load the workers
// grow from `cheaper` towards `processes`, and shrink back once the load is
// gone, with no failed request; after `idle` seconds without a request every
// worker stops, the socket stays open, and the next connection waits in the
// backlog and is answered by a worker started for it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, afterEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { get } from '../helpers/http-client.js';
import { startLoad } from '../helpers/load.js';
import { APPS, UW_BIN } from '../helpers/paths.js';
import { killAll, type SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids, startMaster } from '../helpers/uw-master.js';
import { waitFor } from '../helpers/wait-for.js';
import { writeFifo } from './master-fifo-harness.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());
const run = promisify(execFile);

async function start(name: string, options: string): Promise<{ cli: SpawnedCli; port: number }> {
  const ini = dir.write(name, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}slow.mjs\n${options}\n`);
  return startMaster([ini]);
}

describe('cheaper mode', () => {
  it('starts `cheaper` workers, grows under load up to processes, shrinks when the load is gone', async () => {
    const { cli, port } = await start('spare.ini', 'processes = 3\ncheaper = 1\ncheaper-overload = 1');
    assert.equal(liveWorkerPids(cli).length, 1, 'cheaper-initial defaults to cheaper');
    // six clients each waiting 300 ms: every worker is always busy
    const load = startLoad(port, { keepAlive: 3, fresh: 3 }, 600_000, '/slow?ms=300');
    await waitFor('three workers', () => (liveWorkerPids(cli).length === 3 ? true : undefined), 30_000);
    const result = await load.stop();
    assert.equal(result.failed, 0, result.errors.slice(0, 5).join('\n'));
    assert.ok(liveWorkerPids(cli).length <= 3, 'never above processes');
    await cli.waitForLog('worker retired (cheaper)', {}, 2, 30_000);
    await waitFor('one worker left', () => (liveWorkerPids(cli).length === 1 ? true : undefined), 15_000);
    assert.equal((await get({ port }, '/')).status, 200);
  });

  it('the master FIFO adds and removes workers within cheaper and processes', async () => {
    const fifo = dir.file('cheaper.fifo');
    const { cli } = await start('fifo.ini', `processes = 3\ncheaper = 1\ncheaper-overload = 60\nmaster-fifo = ${fifo}`);
    assert.equal(liveWorkerPids(cli).length, 1);
    writeFifo(fifo, '++');
    await waitFor('three workers', () => (liveWorkerPids(cli).length === 3 ? true : undefined), 20_000);
    writeFifo(fifo, '+');
    await cli.waitForLog('no worker to add or remove within cheaper and processes', { command: 'add-worker' });
    writeFifo(fifo, '---');
    await waitFor('one worker', () => (liveWorkerPids(cli).length === 1 ? true : undefined), 20_000);
    await cli.waitForLog('no worker to add or remove within cheaper and processes', { command: 'remove-worker' });
  });

  it('cheaper-initial sets the first count', async () => {
    const { cli } = await start('initial.ini', 'processes = 4\ncheaper = 1\ncheaper-initial = 3');
    assert.equal(liveWorkerPids(cli).length, 3);
  });
});

describe('idle with cheap', () => {
  it('stops every worker when idle and starts them for the next connection, which is answered', async () => {
    const { cli, port } = await start('cheap.ini', 'processes = 2\nidle = 1\ncheap = true');
    const before = liveWorkerPids(cli);
    assert.equal((await get({ port }, '/')).status, 200);
    await cli.waitForLog('idle: workers stopped until the next connection', {}, 1, 20_000);
    await waitFor('every worker to exit', () => (liveWorkerPids(cli).length === 0 ? true : undefined), 15_000);
    const reply = await get({ port }, '/', false, 20_000);
    assert.equal(reply.status, 200);
    assert.ok(!before.some((pid) => reply.body.includes(String(pid))), 'answered by a worker started for it');
    await cli.waitForLog('connection waiting: workers started');
    // and it goes idle again
    await cli.waitForLog('idle: workers stopped until the next connection', {}, 2, 20_000);
  });
});

describe('cheaper options', () => {
  it('refuses what cannot work, naming the option', async () => {
    const cases: [string, string, RegExp][] = [
      ['processes = 2\ncheaper = 2', 'cheaper', /"cheaper".*from 1 to 1/],
      ['processes = 1\ncheaper = 1', 'cheaper', /"processes" above it/],
      ['processes = 3\ncheaper-step = 2', 'cheaper-step', /"cheaper-step" needs "cheaper = N"/],
      ['processes = 3\ncheaper = 1\ncheaper-algo = busyness', 'cheaper-algo', /only "spare" is built/],
      ['processes = 2\nidle = 5', 'idle', /neither "die-on-idle = true".*nor "cheap = true"/],
      ['processes = 2\nidle = 5\ncheap = true\ndie-on-idle = true', 'idle', /both "die-on-idle" and "cheap"/],
    ];
    for (const [body, key, message] of cases) {
      const ini = dir.write(`bad-${key}.ini`, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}slow.mjs\n${body}\n`);
      const failed = await run(process.execPath, [UW_BIN, ini]).then(
        () => null,
        (err: { code: number; stderr: string }) => err,
      );
      assert.ok(failed !== null, `${body}: should be refused`);
      assert.equal(failed.code, 2, body);
      assert.match(failed.stderr, message, body);
    }
  });
});
