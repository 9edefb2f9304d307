// uw as a uWSGI vassal, byte by byte: the test plays the uWSGI Emperor on the
// other end of a socketpair passed as UWSGI_EMPEROR_FD (fd 3), as core/emperor.c
// does. Real uw master, real workers, real requests; no uWSGI needed here
// (uwsgi-emperor-vassal.test.ts runs a real uWSGI Emperor).
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Duplex } from 'node:stream';
import { freePort } from '../helpers/free-port.js';
import { get } from '../helpers/http-client.js';
import { APPS, UW_BIN } from '../helpers/paths.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids } from '../helpers/uw-master.js';
import { isAlive, waitFor } from '../helpers/wait-for.js';

const READY = 1;
const ACCEPTING = 5;
const LOYAL = 17;
const LEAVING = 22;
const HEARTBEAT = 26;

const dir = new TempDir();
afterEach(() => killAll());
after(() => dir.remove());

/** The Emperor's end of the socketpair: every byte uw sent, in order. */
class EmperorEnd {
  readonly bytes: number[] = [];
  ended = false;

  constructor(private readonly socket: Duplex) {
    socket.on('data', (chunk: Buffer) => this.bytes.push(...chunk));
    socket.on('end', () => (this.ended = true));
    socket.on('error', () => undefined);
  }

  /** The bytes other than heartbeats, which come at any time. */
  get events(): number[] {
    return this.bytes.filter((byte) => byte !== HEARTBEAT);
  }

  count(byte: number): number {
    return this.bytes.filter((each) => each === byte).length;
  }

  waitFor(byte: number, count = 1, timeoutMs = 15_000): Promise<true> {
    return waitFor(`byte ${byte} x${count} (got ${this.bytes.join(',')})`, () => (this.count(byte) >= count ? true : undefined), timeoutMs);
  }

  send(byte: number): void {
    this.socket.write(Uint8Array.from([byte]));
  }

  close(): void {
    this.socket.end();
  }
}

/** uw on `ini`, a vassal of the test's Emperor end. */
function vassal(name: string, ini: string, env: NodeJS.ProcessEnv = {}): { cli: SpawnedCli; emperor: EmperorEnd } {
  const cli = new SpawnedCli(UW_BIN, ['--ini', dir.write(name, ini)], { env: { ...env, UWSGI_EMPEROR_FD: '3' }, extraPipes: 1 });
  const end = cli.child.stdio[3] as Duplex | null;
  assert.ok(end, 'the socketpair end');
  return { cli, emperor: new EmperorEnd(end) };
}

/** uw exited 0 within a limit, and none of `pids` (it and its workers) is left. */
async function stopped(cli: SpawnedCli, pids: readonly number[]): Promise<void> {
  const exit = await waitFor('uw to exit', () => (cli.child.exitCode === null && cli.child.signalCode === null ? undefined : { code: cli.child.exitCode, signal: cli.child.signalCode }), 30_000);
  assert.deepEqual(exit, { code: 0, signal: null });
  await waitFor('no uw process left', () => (pids.every((pid) => !isAlive(pid)) ? true : undefined), 10_000);
}

describe('uw as a uWSGI vassal: the emperor protocol', () => {
  it('says ready (1), accepting (5), loyal (17) after a first request, beats (26); reloads on 1 (same master, new workers, 1 and 5 again); stops on 0', async () => {
    const port = await freePort();
    const { cli, emperor } = vassal('app.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${APPS}hello.mjs\nprocesses = 2\nheartbeat = 1\n`);
    await emperor.waitFor(ACCEPTING);
    assert.deepEqual(emperor.events, [READY, ACCEPTING]);
    await cli.waitForLog('governed by a uWSGI Emperor', { fd: 3 });
    await emperor.waitFor(HEARTBEAT, 2);
    assert.equal(emperor.count(LOYAL), 0, 'not loyal before a request was served');
    const first = await get({ port });
    assert.equal(first.status, 200);
    await emperor.waitFor(LOYAL);
    await cli.waitForLog('first request served: loyal to the uWSGI Emperor');
    const oldWorkers = liveWorkerPids(cli);
    emperor.send(1);
    await cli.waitForLog('reload finished');
    await emperor.waitFor(ACCEPTING, 2);
    assert.deepEqual(emperor.events, [READY, ACCEPTING, LOYAL, READY, ACCEPTING]);
    await cli.waitForLog('command from the uWSGI Emperor', { byte: 1, command: 'reload' });
    await waitFor('the old workers to exit', () => (oldWorkers.every((pid) => !isAlive(pid)) ? true : undefined));
    const newWorkers = await waitFor('two new workers', () => (liveWorkerPids(cli).length === 2 ? liveWorkerPids(cli) : undefined));
    assert.ok(newWorkers.every((pid) => !oldWorkers.includes(pid)), 'new workers');
    const again = await get({ port });
    assert.equal(again.body.split(' ')[0], 'hello');
    assert.equal(cli.find('master started').length, 1, 'the same master');
    emperor.send(0);
    await stopped(cli, [cli.pid, ...oldWorkers, ...newWorkers]);
    assert.equal(emperor.count(LOYAL), 1, 'loyal once');
  });

  it('stops when the Emperor goes (EOF on the socketpair), leaving no process', async () => {
    const port = await freePort();
    const { cli, emperor } = vassal('eof.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${APPS}hello.mjs\nprocesses = 2\n`);
    await emperor.waitFor(ACCEPTING);
    const workers = liveWorkerPids(cli);
    emperor.close();
    await cli.waitForLog('lost the uWSGI Emperor, stopping');
    await stopped(cli, [cli.pid, ...workers]);
  });

  it('die-on-idle says 22 and waits for the Emperor\'s stop byte (2: graceful)', async () => {
    const port = await freePort();
    const { cli, emperor } = vassal('idle.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${APPS}hello.mjs\nidle = 1\ndie-on-idle = true\n`);
    await emperor.waitFor(LEAVING);
    await cli.waitForLog('idle, asking the uWSGI Emperor to stop this vassal');
    assert.equal(cli.child.exitCode, null, 'still running: the Emperor decides');
    assert.equal((await get({ port })).status, 200, 'still serving until then');
    const workers = liveWorkerPids(cli);
    emperor.send(2);
    await cli.waitForLog('command from the uWSGI Emperor', { byte: 2, command: 'stop' });
    await stopped(cli, [cli.pid, ...workers]);
  });

  it('keeps the Emperor\'s variables from its workers; an exec vassal is loyal once ready (its requests are not counted)', async () => {
    const port = await freePort();
    const program = `/bin/sh -c 'echo "worker sees fd=\${UWSGI_EMPEROR_FD:-none} reloads=\${UWSGI_RELOADS:-none}"; exec sleep 600'`;
    const { cli, emperor } = vassal('exec.ini', `[uwsgi]\nsocket = 127.0.0.1:${port}\nexec = ${program}\nexec-notify = false\nexec-ready-after = 0.2\n`, { UWSGI_RELOADS: '0' });
    await emperor.waitFor(LOYAL);
    assert.deepEqual(emperor.events, [READY, ACCEPTING, LOYAL]);
    await waitFor('the worker\'s line', () => (cli.stdout.includes('worker sees fd=none reloads=none') ? true : undefined));
    const workers = liveWorkerPids(cli);
    emperor.send(0);
    await stopped(cli, [cli.pid, ...workers]);
  });
});
