// Reload and stop of script workers with a real `uw`: SIGHUP under load loses
// no request (Express, Fastify); a stop finishes the request in flight; an app with its own
// SIGTERM handler has it run (after our drain on a reload, at once on a stop)
// and still exits within the mercy, its requests answered; an app with only a
// SIGINT handler is stopped by SIGTERM without waiting for the mercy.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, afterEach, describe, it } from 'node:test';
import { get, type Reply } from '../helpers/http-client.js';
import { startLoad } from '../helpers/load.js';
import { killAll, type SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids, startMaster } from '../helpers/uw-master.js';
import { waitFor } from '../helpers/wait-for.js';
import { scriptVassal } from './script-harness.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

const RELOADS = 5;

/** Send /slow?ms=N; resolve once a worker logged that it has it. `reply` settles to an Error if the request is cut. */
async function inFlight(cli: SpawnedCli, port: number, ms: number): Promise<{ reply: Promise<Reply | Error> }> {
  const seen = cli.find('app request', { path: '/slow' }).length;
  const reply = get({ port }, `/slow?ms=${ms}`).catch((err: Error) => err);
  await cli.waitForLog('app request', { path: '/slow' }, seen + 1);
  return { reply };
}

/** The file own-sigterm.mjs writes when its handler closed its server. */
function mark(pid: number): string | undefined {
  const file = dir.file(`stopped-${pid}`);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

describe('script workers: reload and stop', () => {
  for (const [name, script] of [['Express', 'express.mjs'], ['Fastify', 'fastify.mjs']] as const) {
    it(`loses no request over ${RELOADS} SIGHUPs under load (${name})`, async () => {
      const { cli, port } = await startMaster([scriptVassal(dir, `${script}-load.ini`, script)]);
      const load = startLoad(port, { keepAlive: 4, fresh: 4 });
      try {
        for (let reload = 1; reload <= RELOADS; reload += 1) {
          const before = load.result.ok;
          await waitFor('requests flowing', () => (load.result.ok >= before + 50 ? true : undefined), 30_000);
          cli.signal('SIGHUP');
          await cli.waitForLog('reload finished', {}, reload, 60_000);
        }
        const before = load.result.ok;
        await waitFor('requests after the last reload', () => (load.result.ok >= before + 50 ? true : undefined), 30_000);
      } finally {
        await load.stop();
      }
      const { ok, failed, errors, pids } = load.result;
      assert.equal(failed, 0, `failed requests: ${errors.slice(0, 5).join(', ')}`);
      assert.ok(ok > 250, `only ${ok} requests`);
      assert.ok(pids.size >= RELOADS, `answers came from ${pids.size} worker PIDs`);
      assert.equal(cli.find('worker drain timed out, killed').length, 0);
    });
  }

  it('a stop (SIGTERM to the master) answers the request in flight first (Express)', async () => {
    const { cli, port } = await startMaster([scriptVassal(dir, 'express-stop.ini', 'express.mjs')]);
    const { reply } = await inFlight(cli, port, 1500);
    cli.signal('SIGTERM');
    const answer = await reply;
    assert.ok(!(answer instanceof Error), `the request was cut: ${answer instanceof Error ? answer.message : ''}`);
    assert.match(answer.body, /^hello \d+ slow$/);
    assert.equal((await cli.exited).code, 0);
    assert.equal(cli.find('worker stop timed out, killed').length, 0);
  });

  it('an app\'s own SIGTERM handler runs after our drain on a reload; old workers exit by it, within the mercy', async () => {
    const file = scriptVassal(dir, 'own-reload.ini', 'own-sigterm.mjs', `env = MARK_DIR=${dir.path}\nworker-reload-mercy = 30\n`);
    const { cli, port } = await startMaster([file]);
    const old = liveWorkerPids(cli);
    const { reply } = await inFlight(cli, port, 1000);
    cli.signal('SIGHUP');
    await cli.waitForLog('reload finished');
    const answer = await reply;
    assert.ok(!(answer instanceof Error), `the request was cut: ${answer instanceof Error ? answer.message : ''}`);
    for (const pid of old) {
      const exit = await cli.waitForLog('worker exited', { workerPid: pid });
      assert.deepEqual([exit.code, exit.signal, exit.endReason], [0, null, 'drain'], 'exited by its own process.exit(0), not SIGKILL');
      assert.equal(mark(pid), 'SIGTERM handler ran, close: ok');
    }
    assert.equal(cli.find('worker drain timed out, killed').length, 0);
    assert.equal((await get({ port })).status, 200);
  });

  it('on a stop the signal reaches the app\'s handler at once; its server.close waits for the request in flight', async () => {
    const file = scriptVassal(dir, 'own-stop.ini', 'own-sigterm.mjs', `env = MARK_DIR=${dir.path}\n`);
    const { cli, port } = await startMaster([file]);
    const workers = liveWorkerPids(cli);
    const { reply } = await inFlight(cli, port, 1500);
    cli.signal('SIGTERM');
    const answer = await reply;
    assert.ok(!(answer instanceof Error), `the request was cut: ${answer instanceof Error ? answer.message : ''}`);
    assert.match(answer.body, /^hello \d+$/);
    assert.equal((await cli.exited).code, 0);
    for (const pid of workers) assert.equal(mark(pid), 'SIGTERM handler ran, close: ok');
    assert.equal(cli.find('worker stop timed out, killed').length, 0);
  });

  it('an app with only a SIGINT handler: a stop by SIGTERM runs it and does not wait for the mercy', async () => {
    const file = scriptVassal(dir, 'own-sigint.ini', 'own-sigterm.mjs', `env = MARK_DIR=${dir.path}\nenv = STOP_SIGNAL=SIGINT\nreload-mercy = 60\n`);
    const { cli } = await startMaster([file]);
    const workers = liveWorkerPids(cli);
    cli.signal('SIGTERM');
    await cli.waitForLog('master stopped', {}, 1, 20_000);
    for (const pid of workers) assert.equal(mark(pid), 'SIGINT handler ran, close: ok');
    assert.equal(cli.find('worker stop timed out, killed').length, 0);
  });
});
