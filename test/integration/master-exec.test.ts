// An exec vassal in another language (python3 on the inherited fd 3):
// LISTEN_FDS/LISTEN_PID, READY=1 notification, graceful reload with its stop
// signal, the mercy period, and the no-notify mode.
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { get, tryGet } from '../helpers/http-client.js';
import { APPS, PYTHON } from '../helpers/paths.js';
import { killAll } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids, startMaster } from '../helpers/uw-master.js';
import { isAlive, waitFor } from '../helpers/wait-for.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

function execVassal(name: string, extra = '', processes = 2): string {
  return dir.write(name, `uwsgi:\n  http-socket: 127.0.0.1:0\n  exec: ${PYTHON} ${APPS}server.py\n  processes: ${processes}\n${extra}`);
}

describe('exec vassal', () => {
  it('hands a listening socket to a python worker that notifies readiness', async () => {
    const { cli, port } = await startMaster([execVassal('py.yaml')]);
    const reply = await get({ port });
    assert.equal(reply.status, 200);
    assert.match(reply.body, /^python \d+/);
    assert.ok(liveWorkerPids(cli).includes(Number(reply.body.split(' ')[1])));
  });

  it('reloads gracefully on SIGHUP: old workers get SIGTERM and finish their request', async () => {
    const { cli, port } = await startMaster([execVassal('py-reload.yaml')]);
    const old = liveWorkerPids(cli);
    // sent before the reload: an old worker takes it and must finish it after its SIGTERM
    const inflight = get({ port }, '/slow?ms=1500');
    cli.signal('SIGHUP');
    await cli.waitForLog('reload finished');
    const slow = await inflight;
    assert.equal(slow.status, 200, 'the in-flight request was answered');
    assert.ok(old.includes(Number(slow.body.split(' ')[1])), 'answered by an old worker');
    for (const pid of old) {
      const exit = await cli.waitForLog('worker exited', { workerPid: pid });
      assert.equal(exit?.endReason, 'drain');
      assert.equal(exit?.code, 0, 'exited by itself on SIGTERM');
    }
    const fresh = await get({ port });
    assert.ok(!old.includes(Number(fresh.body.split(' ')[1])));
  });

  it('kills an old worker that ignores its stop signal after worker-reload-mercy', async () => {
    const file = execVassal('py-mercy.yaml', '  worker-reload-mercy: 0.5\n  env: IGNORE_TERM=1\n', 1);
    const { cli } = await startMaster([file]);
    const [old] = liveWorkerPids(cli);
    cli.signal('SIGHUP');
    await cli.waitForLog('worker drain timed out, killed');
    const exit = await cli.waitForLog('worker exited', { workerPid: old });
    assert.equal(exit.signal, 'SIGKILL');
  });

  it('treats a worker that does not notify as ready after exec-ready-after', async () => {
    const file = execVassal('py-nonotify.yaml', '  exec-notify: false\n  exec-ready-after: 0.2\n');
    const { port } = await startMaster([file]);
    assert.equal((await get({ port })).status, 200);
  });

  it('reads the notify fd line by line with a bound: 64 MiB without a newline before READY=1 costs the master no memory', async () => {
    const file = dir.write('flood.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nexec = ${APPS}notify-flood.sh 64\nprocesses = 1\n`);
    const { cli } = await startMaster([file]);
    assert.equal(cli.find('worker ready').length, 1);
    const rssKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${cli.child.pid}/status`, 'utf8'))?.[1]);
    // a reader that joins the whole line first holds it at least twice (bytes and string): over 128 MiB
    assert.ok(rssKb < 100 * 1024, `master peak RSS ${rssKb} kB`);
  });

  it('leaves no exec worker behind when the master is SIGKILLed', async () => {
    const { cli, port } = await startMaster([execVassal('py-orphan.yaml')]);
    const workers = liveWorkerPids(cli);
    cli.child.kill('SIGKILL');
    await cli.exited;
    await waitFor('workers to die with their master', () => (workers.every((pid) => !isAlive(pid)) ? true : undefined), 5_000);
    assert.equal(await tryGet({ port }), undefined);
  });

  it('hands the socket over blocking, as systemd does: a plain accept() loop works', async () => {
    const file = dir.write('accept-loop.yaml', `uwsgi:\n  http-socket: 127.0.0.1:0\n  exec: ${PYTHON} ${APPS}accept-loop.py\n  processes: 2\n`);
    const { cli, port } = await startMaster([file]);
    for (let i = 0; i < 10; i += 1) assert.match((await get({ port })).body, /^accept-loop \d+$/);
    assert.equal(cli.find('worker respawn scheduled').length, 0, 'no worker died on EAGAIN');
  });
});
