// A module vassal end to end: serve, process titles, respawn, stats, status,
// pause/resume, brutal reload (die-on-term = false), SIGTERM/SIGINT/SIGQUIT stop, orphans.
// (graceful-stop.test.ts: what a stop does to requests in flight.)
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { get, tryGet } from '../helpers/http-client.js';
import { APPS } from '../helpers/paths.js';
import { tcpSocketsOf } from '../helpers/proc-sockets.js';
import { killAll } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids, startMaster } from '../helpers/uw-master.js';
import { isAlive, waitFor } from '../helpers/wait-for.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

function vassal(name: string, extra = ''): string {
  return dir.write(name, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\nprocesses = 2\n${extra}`);
}

function cmdline(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
}

describe('module vassal', () => {
  it('serves from its workers and names the vassal in process titles', async () => {
    const { cli, port } = await startMaster([vassal('titles.ini')]);
    const reply = await get({ port });
    assert.equal(reply.status, 200);
    const workers = liveWorkerPids(cli);
    assert.equal(workers.length, 2);
    assert.ok(workers.includes(Number(reply.body.split(' ')[1])), 'answered by one of the workers');
    assert.match(cmdline(cli.pid), /^uw master \(titles\.ini\)/);
    for (const pid of workers) assert.match(cmdline(pid), /^uw worker [12] \(titles\.ini\)/);
  });

  it('holds the listening socket without ever accepting on it', async () => {
    const { cli, port } = await startMaster([vassal('no-accept.ini')]);
    const { Agent } = await import('node:http');
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    await Promise.all(Array.from({ length: 20 }, () => get({ port }, '/', agent)));
    const masterSockets = tcpSocketsOf(cli.pid).filter((entry) => entry.localPort === port);
    assert.deepEqual(masterSockets, [{ localPort: port, state: '0A' }], 'only the listening socket, no connection');
    const workerSockets = liveWorkerPids(cli).flatMap((pid) => tcpSocketsOf(pid)).filter((entry) => entry.localPort === port);
    assert.ok(workerSockets.some((entry) => entry.state === '01'), 'the workers hold the connections');
    agent.destroy();
  });

  it('respawns a worker that dies', async () => {
    const { cli, port } = await startMaster([vassal('respawn.ini')]);
    const [victim] = liveWorkerPids(cli);
    assert.ok(victim);
    process.kill(victim, 'SIGKILL');
    await cli.waitForLog('worker respawn scheduled', { workerPid: victim });
    await cli.waitForLog('worker ready', {}, 3);
    assert.equal(liveWorkerPids(cli).length, 2);
    assert.equal((await get({ port })).status, 200);
  });

  it('backs off a worker that keeps dying at start-up', async () => {
    const file = dir.write('crash.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}crash-on-start.mjs\n`);
    const { SpawnedCli } = await import('../helpers/spawned-cli.js');
    const { UW_BIN } = await import('../helpers/paths.js');
    const cli = new SpawnedCli(UW_BIN, [file]);
    const third = await cli.waitForLog('worker respawn scheduled', {}, 3);
    const delays = cli.find('worker respawn scheduled').map((line) => line.delayMs as number);
    assert.deepEqual(delays.slice(0, 3), [100, 200, 400]);
    assert.match(String(third.reason), /boom: this app cannot start/);
  });

  it('prints statistics on SIGUSR1 and worker status on SIGUSR2', async () => {
    const { cli, port } = await startMaster([vassal('stats.ini')]);
    for (let i = 0; i < 5; i += 1) await get({ port });
    cli.signal('SIGUSR1');
    const totals = await cli.waitForLog('stats');
    assert.equal(totals.requests, 5);
    assert.equal(totals.workers, 2);
    const perWorker = cli.find('worker stats');
    assert.equal(perWorker.length, 2);
    for (const line of perWorker) {
      assert.equal(typeof line.rssBytes, 'number');
      assert.equal(line.respawns, 0);
      assert.equal(line.status, 'idle');
    }
    const slow = get({ port }, '/slow?ms=1500');
    const busy = await waitFor('a busy worker in the status lines', async () => {
      const seen = cli.find('worker status').length;
      cli.signal('SIGUSR2');
      await cli.waitForLog('worker status', {}, seen + 2);
      return cli.find('worker status').slice(seen).find((line) => line.status === 'busy');
    });
    assert.equal(busy.request, 'GET /slow?ms=1500');
    assert.equal(typeof busy.requestSince, 'string');
    await slow;
  });

  it('pauses on SIGTSTP and serves the queued request on resume', async () => {
    const { cli, port } = await startMaster([vassal('pause.ini')]);
    cli.signal('SIGTSTP');
    await cli.waitForLog('paused');
    const workers = liveWorkerPids(cli);
    await waitFor('workers stopped', () => (workers.every((pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') T')) ? true : undefined));
    let answered = false;
    const pending = get({ port }).then((reply) => {
      answered = true;
      return reply;
    });
    await new Promise((resolve) => setTimeout(resolve, 300)); // a window in which nothing may answer
    assert.equal(answered, false, 'a paused vassal answered');
    cli.signal('SIGTSTP');
    await cli.waitForLog('resumed');
    assert.equal((await pending).status, 200);
  });

  it('reloads brutally on SIGTERM with die-on-term = false (uWSGI 2.0): old workers are killed, new ones serve', async () => {
    const { cli, port } = await startMaster([vassal('term.ini', 'die-on-term = false\n')]);
    const old = liveWorkerPids(cli);
    cli.signal('SIGTERM');
    await cli.waitForLog('reload finished');
    for (const pid of old) {
      const exit = await cli.waitForLog('worker exited', { workerPid: pid });
      assert.equal(exit.signal, 'SIGKILL');
      assert.equal(exit.endReason, 'brutal');
    }
    const reply = await get({ port });
    assert.ok(!old.includes(Number(reply.body.split(' ')[1])));
  });

  it('stops on SIGTERM by default (die-on-term = true)', async () => {
    const { cli } = await startMaster([vassal('die.ini')]);
    const workers = liveWorkerPids(cli);
    cli.signal('SIGTERM');
    assert.deepEqual(await cli.exited, { code: 0, signal: null });
    assert.ok(workers.every((pid) => !isAlive(pid)));
  });

  for (const signal of ['SIGINT', 'SIGQUIT'] as const) {
    it(`stops the whole stack on ${signal}`, async () => {
      const { cli, port } = await startMaster([vassal(`${signal}.ini`)]);
      const workers = liveWorkerPids(cli);
      cli.signal(signal);
      assert.deepEqual(await cli.exited, { code: 0, signal: null });
      assert.ok(workers.every((pid) => !isAlive(pid)));
      assert.equal(await tryGet({ port }), undefined, 'the port still answers');
    });
  }

  it('leaves no worker behind when the master is SIGKILLed', async () => {
    const { cli, port } = await startMaster([vassal('orphans.ini')]);
    const workers = liveWorkerPids(cli);
    cli.child.kill('SIGKILL');
    await cli.exited;
    await waitFor('workers to die with their master', () => (workers.every((pid) => !isAlive(pid)) ? true : undefined), 5_000);
    assert.equal(await tryGet({ port }), undefined);
  });
});
