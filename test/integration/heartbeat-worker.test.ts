// worker-heartbeat with the real uw: a worker whose event loop is blocked for
// good (while (true) {}) is killed and replaced, one line naming it, its pid and
// how long it was blocked, and the next request is served; a worker waiting
// asynchronously (its loop free) is left alone, however long it waits.
import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { get } from '../helpers/http-client.js';
import { APPS, UW_BIN } from '../helpers/paths.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids, startMaster } from '../helpers/uw-master.js';
import { isAlive, waitFor } from '../helpers/wait-for.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

const KILLED = 'worker-heartbeat: event loop blocked, worker killed';

async function start(name: string, app: string, options: string): Promise<{ cli: SpawnedCli; port: number }> {
  const ini = dir.write(name, `[uwsgi]\nhttp-socket = 127.0.0.1:0\n${app}\nprocesses = 1\n${options}\n`);
  return startMaster([ini]);
}

/** The worker stuck in while (true) {} is killed; a new one answers the next request. */
async function assertReplaced(cli: SpawnedCli, port: number, limitMs: number): Promise<void> {
  const [worker] = liveWorkerPids(cli);
  assert.ok(worker !== undefined);
  void get({ port }, '/spin', false, 60_000).catch(() => undefined);
  const line = await cli.waitForLog(KILLED, {}, 1, 20_000);
  assert.equal(line.workerPid, worker);
  assert.equal(line.worker, 1);
  assert.equal(line.limitMs, limitMs);
  assert.ok(Number(line.blockedMs) > limitMs, `blocked ${String(line.blockedMs)} ms`);
  await waitFor('the blocked worker to be gone', () => (isAlive(worker) ? undefined : true));
  const next = await waitFor('a new worker to serve', async () => {
    const reply = await get({ port }, '/').catch(() => null);
    return reply?.status === 200 ? reply : undefined;
  }, 20_000);
  assert.notEqual(next.body, `ok ${worker}`);
  assert.equal(cli.find('harakiri: request too long, worker killed').length, 0);
}

describe('worker-heartbeat', () => {
  it('kills a module worker whose loop is blocked for good, and the next request is served', async () => {
    const { cli, port } = await start('spin.ini', `module = ${APPS}heartbeat.mjs`, 'worker-heartbeat = 2');
    await assertReplaced(cli, port, 2000);
  });

  it('kills a script worker whose loop is blocked for good', async () => {
    const { cli, port } = await start('script.ini', `script = ${APPS}scripts/heartbeat-server.mjs`, 'worker-heartbeat = 2');
    await assertReplaced(cli, port, 2000);
  });

  it('leaves a worker alone that waits asynchronously longer than the limit', async () => {
    const { cli, port } = await start('wait.ini', `module = ${APPS}heartbeat.mjs`, 'worker-heartbeat = 2');
    const [worker] = liveWorkerPids(cli);
    const reply = await get({ port }, '/wait?ms=5000', false, 20_000);
    assert.equal(reply.status, 200);
    assert.equal(reply.body, `waited ${worker}`);
    // the policy monitor asked it several times meanwhile, and it answered each time
    assert.equal(cli.find(KILLED).length, 0);
    assert.deepEqual(liveWorkerPids(cli), [worker]);
  });

  it('is refused for exec workers, naming the option', async () => {
    const ini = dir.write('exec.ini', '[uwsgi]\nhttp-socket = 127.0.0.1:0\nexec = python3 server.py\nworker-heartbeat = 5\n');
    const cli = new SpawnedCli(UW_BIN, [ini]);
    const { code } = await cli.exited;
    assert.equal(code, 2);
    assert.match(cli.stderr + cli.stdout, /worker-heartbeat.*needs Node workers/);
  });
});
