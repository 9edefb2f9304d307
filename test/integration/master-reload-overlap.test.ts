// reload-overlap: after a graceful reload's new workers are all ready, the old ones go on accepting new
// connections for that long beside them, and only then does the switch come ("reload finished"); a stop
// during the overlap drains the new workers too, so a request one of them took is answered.
import assert from 'node:assert/strict';
import { after, afterEach, test } from 'node:test';
import { get, type Reply } from '../helpers/http-client.js';
import { APPS } from '../helpers/paths.js';
import { killAll } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { startMaster } from '../helpers/uw-master.js';
import { tcpSocketsOf } from '../helpers/proc-sockets.js';
import { childrenOf, waitFor } from '../helpers/wait-for.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

const pidOf = (reply: Reply): number => Number(reply.body.split(' ')[1]);

/** Connections on `port` the master's workers hold (ESTABLISHED), from /proc. */
function acceptedOn(masterPid: number, port: number): number {
  return childrenOf(masterPid).reduce((sum, pid) => {
    try {
      return sum + tcpSocketsOf(pid).filter((socket) => socket.localPort === port && socket.state === '01').length;
    } catch {
      return sum; // exited while we looked
    }
  }, 0);
}

async function master(overlap: string) {
  const file = dir.write(`overlap-${overlap}.ini`, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\nprocesses = 2\nreload-overlap = ${overlap}\n`);
  const started = await startMaster([file]);
  const oldPids = new Set(started.cli.find('worker ready').map((line) => line.workerPid as number));
  return { ...started, oldPids };
}

test('during the overlap both generations answer new connections; after the switch only the new one', async () => {
  // long enough that the checks below run within it on a slow machine
  const { cli, port, oldPids } = await master('6');
  cli.child.kill('SIGHUP');
  await cli.waitForLog('worker ready', { generation: 2 }, 2);
  assert.equal(cli.find('reload finished').length, 0, 'the switch waits for the overlap');
  // new connections, one at a time: both the old workers and the new ones take some
  const seen = { old: 0, fresh: 0 };
  await waitFor('answers from both generations during the overlap', async () => {
    const pid = pidOf(await get({ port }));
    if (oldPids.has(pid)) seen.old += 1;
    else seen.fresh += 1;
    return seen.old > 0 && seen.fresh > 0 ? true : undefined;
  }, 2_500, 5);
  assert.equal(cli.find('reload finished').length, 0, 'still within the overlap');
  await cli.waitForLog('reload finished');
  for (let i = 0; i < 20; i++) assert.ok(!oldPids.has(pidOf(await get({ port }))), 'an old worker answered after the switch');
});

test('reload-overlap = 0 switches as soon as every new worker is ready', async () => {
  const { cli } = await master('0');
  cli.child.kill('SIGHUP');
  const finished = await cli.waitForLog('reload finished');
  const lastReady = cli.find('worker ready', { generation: 2 }).at(-1);
  assert.ok(lastReady !== undefined);
  // the default overlap is 300 ms: the switch follows the last ready worker within the same few milliseconds
  assert.ok(Date.parse(String(finished.time)) - Date.parse(String(lastReady.time)) < 250, 'no overlap');
});

test('a stop during the overlap lets the new workers finish the requests they took', async () => {
  const { cli, port, oldPids } = await master('3');
  cli.child.kill('SIGHUP');
  await cli.waitForLog('worker ready', { generation: 2 }, 2);
  // slow requests on new connections, taken by the four workers that accept now; then a stop while they run
  const replies = Array.from({ length: 12 }, () => get({ port }, '/slow?ms=1500'));
  const masterPid = cli.child.pid ?? 0;
  await waitFor('every connection accepted by a worker', () => (acceptedOn(masterPid, port) >= replies.length ? true : undefined));
  cli.child.kill('SIGINT');
  const answered = await Promise.all(replies);
  assert.deepEqual(answered.map((reply) => reply.status), answered.map(() => 200));
  assert.ok(answered.some((reply) => !oldPids.has(pidOf(reply))), 'no request reached a new worker: the test proves nothing');
  assert.equal((await cli.exited).code, 0);
});
