// Stopping loses no request, with the real uw (and the real uwemperor): `uw
// --stop`, SIGTERM, `rm` of the vassal file and the emperor's SIGTERM let a 3 s
// request finish; keep-alive connections end cleanly; SIGQUIT or a second
// signal stops at once; exec workers get exec-stop-signal, not SIGINT; the
// emperor never kills a master before that master's own mercy ran out.
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { describe, test } from 'node:test';
import { get, type Reply } from '../helpers/http-client.js';
import { APPS, UW_BIN, PYTHON } from '../helpers/paths.js';
import { tcpSocketsOf } from '../helpers/proc-sockets.js';
import { SpawnedCli } from '../helpers/spawned-cli.js';
import { liveWorkerPids, startMaster } from '../helpers/uw-master.js';
import { descendantsOf, waitFor } from '../helpers/wait-for.js';
import { startEmperor, useVassalDirs, waitForState } from './emperor-harness.js';

const newDir = useVassalDirs();
const SLOW = '/slow?ms=3000';
/** For brutal stops: a request that would outlast the test, so only the stop can end it. */
const NEVER_DONE = '/slow?ms=25000';
type Kind = 'module' | 'exec';

const APP: Record<Kind, string> = { module: `module = ${APPS}slow.mjs`, exec: `exec = ${PYTHON} ${APPS}server.py` };
const vassal = (kind: Kind, extra = '', processes = 2) => `[uwsgi]\nhttp-socket = 127.0.0.1:0\n${APP[kind]}\nprocesses = ${processes}\n${extra}`;

/** The port of the vassal's first socket, from its master's "socket bound" line. */
function portOf(cli: SpawnedCli, name: string): number {
  const where = String(cli.find('socket bound', { vassal: name })[0]?.where);
  return Number(where.slice(where.lastIndexOf(':') + 1));
}

/** True once some process under `cli` (a worker) holds an accepted connection on `port`. */
function accepted(cli: SpawnedCli, port: number): true | undefined {
  for (const pid of descendantsOf(cli.pid)) {
    try {
      if (tcpSocketsOf(pid).some((entry) => entry.localPort === port && entry.state === '01')) return true;
    } catch {
      // exited while we looked
    }
  }
  return undefined;
}

/** Send a slow request (3 s); resolve once a worker has it. `reply` settles to an Error if the request is cut. */
async function inFlight(cli: SpawnedCli, port: number, kind: Kind, path = SLOW): Promise<{ reply: Promise<Reply | Error> }> {
  const seen = cli.find('app request', { path: '/slow' }).length;
  const reply = get({ port }, path, false, 30_000).catch((err: unknown) => err as Error);
  await waitFor(`a worker to accept the request on :${port}`, () => accepted(cli, port));
  if (kind === 'module') await cli.waitForLog('app request', { path: '/slow' }, seen + 1);
  return { reply };
}

function assertAnswered(reply: Reply | Error, kind: Kind): void {
  if (reply instanceof Error) assert.fail(`the in-flight request was cut: ${reply.message}`);
  assert.equal(reply.status, 200);
  assert.match(reply.body, kind === 'module' ? /^slow \d+$/ : /^python \d+$/);
}

/** A raw HTTP/1.1 client, to see exactly how the server ends a keep-alive connection. */
class RawClient {
  private readonly socket: Socket;
  data = '';
  error: Error | null = null;
  readonly closed: Promise<void>;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setEncoding('utf8');
    this.socket.on('data', (chunk: string) => (this.data += chunk));
    this.socket.on('error', (err) => (this.error = err));
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  send(path: string): void {
    this.socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  }
}

describe('graceful stop of uw', () => {
  for (const kind of ['module', 'exec'] as const) {
    test(`uw --stop lets a 3 s request finish, then exits 0 and vacuums (${kind} workers)`, async () => {
      const dir = newDir();
      const pidfile = dir.file('app.pid');
      const { cli, port } = await startMaster([dir.write(`stop-${kind}.ini`, vassal(kind, `pidfile = ${pidfile}\nvacuum = true\n`))]);
      const workers = liveWorkerPids(cli);
      const { reply } = await inFlight(cli, port, kind);
      const stop = new SpawnedCli(UW_BIN, ['--stop', pidfile]);
      assert.equal((await stop.exited).code, 0);
      assertAnswered(await reply, kind);
      assert.deepEqual(await cli.exited, { code: 0, signal: null });
      for (const pid of workers) {
        const exit = cli.find('worker exited', { workerPid: pid })[0];
        assert.equal(exit?.endReason, 'stop');
        assert.deepEqual([exit.code, exit.signal], [0, null], 'the worker finished and exited by itself');
      }
      assert.ok(!existsSync(pidfile), 'vacuum removed the pidfile');
      assert.doesNotMatch(cli.stdout + cli.stderr, /KeyboardInterrupt|Traceback/);
    });
  }

  test('SIGTERM stops a standalone uw gracefully and it exits 0 (die-on-term defaults to true, as uWSGI 2.1)', async () => {
    const dir = newDir();
    const { cli, port } = await startMaster([dir.write('term.ini', vassal('module'))]);
    const { reply } = await inFlight(cli, port, 'module');
    cli.signal('SIGTERM');
    assertAnswered(await reply, 'module');
    assert.deepEqual(await cli.exited, { code: 0, signal: null });
    assert.equal(cli.find('reload started').length, 0, 'SIGTERM must not reload');
  });

  test('a paused master stops gracefully too: its workers resume and finish the request', async () => {
    const dir = newDir();
    const { cli, port } = await startMaster([dir.write('paused.ini', vassal('module'))]);
    const { reply } = await inFlight(cli, port, 'module');
    cli.signal('SIGTSTP');
    await cli.waitForLog('paused');
    cli.signal('SIGINT');
    assertAnswered(await reply, 'module');
    assert.deepEqual(await cli.exited, { code: 0, signal: null });
  });

  test('keep-alive: an idle connection is closed cleanly; one with a request in flight gets its answer with Connection: close', async () => {
    const dir = newDir();
    const { cli, port } = await startMaster([dir.write('keepalive.ini', vassal('module', '', 1))]);
    const idle = new RawClient(port);
    idle.send('/');
    await waitFor('the first answer on the idle connection', () => (/\r\n\r\nslow \d+$/.test(idle.data) ? true : undefined));
    assert.match(idle.data, /connection: keep-alive/i);
    const answered = idle.data;
    const busy = new RawClient(port);
    busy.send(SLOW);
    await cli.waitForLog('app request', { path: '/slow' });
    cli.signal('SIGINT');
    await idle.closed;
    assert.equal(idle.error, null, 'the idle connection was reset');
    assert.equal(idle.data, answered, 'nothing more was sent on the idle connection');
    await busy.closed;
    assert.equal(busy.error, null, 'the busy connection was reset');
    assert.match(busy.data, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(busy.data, /\r\nconnection: close\r\n/i);
    assert.match(busy.data, /\r\n\r\nslow \d+$/);
    assert.deepEqual(await cli.exited, { code: 0, signal: null });
  });

  test('a connection that never sent a request does not hold a stop: it is closed, and the worker exits by itself', async () => {
    const dir = newDir();
    const { cli, port } = await startMaster([dir.write('silent.ini', vassal('module', 'reload-mercy = 20\n', 1))]);
    const worker = liveWorkerPids(cli)[0];
    const silent = new RawClient(port);
    await waitFor('the worker to accept the silent connection', () => accepted(cli, port));
    cli.signal('SIGINT');
    await silent.closed;
    assert.deepEqual(await cli.exited, { code: 0, signal: null });
    const exit = cli.find('worker exited', { workerPid: worker })[0];
    assert.deepEqual([exit?.code, exit?.signal], [0, null], 'the worker was killed after the mercy instead of closing the connection');
    assert.equal(silent.data, '');
  });

  test('SIGQUIT stops at once: the workers are killed, the master vacuums and exits 0', async () => {
    const dir = newDir();
    const pidfile = dir.file('quit.pid');
    const { cli, port } = await startMaster([dir.write('quit.ini', vassal('module', `pidfile = ${pidfile}\nvacuum = true\n`))]);
    const workers = liveWorkerPids(cli);
    const { reply } = await inFlight(cli, port, 'module', NEVER_DONE);
    cli.signal('SIGQUIT');
    assert.deepEqual(await cli.exited, { code: 0, signal: null });
    assert.ok((await reply) instanceof Error, 'a brutal stop does not wait for the request');
    for (const pid of workers) assert.equal(cli.find('worker exited', { workerPid: pid })[0]?.signal, 'SIGKILL');
    assert.ok(!existsSync(pidfile));
  });

  test('a second SIGINT during a graceful stop kills the workers now', async () => {
    const dir = newDir();
    const { cli, port } = await startMaster([dir.write('twice.ini', vassal('module'))]);
    const { reply } = await inFlight(cli, port, 'module', NEVER_DONE);
    cli.signal('SIGINT');
    await cli.waitForLog('shutdown started', { mode: 'graceful' });
    cli.signal('SIGINT');
    await cli.waitForLog('shutdown escalated: killing the workers now');
    assert.deepEqual(await cli.exited, { code: 0, signal: null });
    assert.ok((await reply) instanceof Error, 'the escalated stop does not wait for the request');
  });

  test('an exec worker gets its exec-stop-signal on stop, not SIGINT', async () => {
    const dir = newDir();
    const { cli } = await startMaster([dir.write('usr1.ini', vassal('exec', 'exec-stop-signal = SIGUSR1\n', 1))]);
    const [worker] = liveWorkerPids(cli);
    cli.signal('SIGINT');
    assert.deepEqual(await cli.exited, { code: 0, signal: null });
    // server.py does not handle SIGUSR1: the default action ends it
    assert.equal(cli.find('worker exited', { workerPid: worker })[0]?.signal, 'SIGUSR1');
    assert.doesNotMatch(cli.stdout + cli.stderr, /KeyboardInterrupt/);
  });
});

describe('graceful stop under the emperor (real uw)', () => {
  /** An emperor with a module and an exec vassal, each serving a 3 s request. */
  async function twoBusyVassals(extraArgs: string[] = []) {
    const dir = newDir();
    dir.write('mod.ini', vassal('module'));
    dir.write('py.ini', vassal('exec'));
    const emperor = startEmperor([dir.path, ...extraArgs], { fake: false });
    await waitForState(emperor, 'mod.ini', 'ready');
    await waitForState(emperor, 'py.ini', 'ready');
    const replies = {
      module: (await inFlight(emperor, portOf(emperor, 'mod.ini'), 'module')).reply,
      exec: (await inFlight(emperor, portOf(emperor, 'py.ini'), 'exec')).reply,
    };
    return { dir, emperor, replies };
  }

  test('rm of the vassal files lets in-flight requests finish (module and exec)', async () => {
    const { dir, emperor, replies } = await twoBusyVassals();
    rmSync(dir.file('mod.ini'));
    rmSync(dir.file('py.ini'));
    assertAnswered(await replies.module, 'module');
    assertAnswered(await replies.exec, 'exec');
    await waitForState(emperor, 'mod.ini', 'stopped');
    await waitForState(emperor, 'py.ini', 'stopped');
    assert.deepEqual(emperor.find('master exited').map((line) => [line.code, line.signal]), [[0, null], [0, null]]);
    assert.doesNotMatch(emperor.stdout + emperor.stderr, /KeyboardInterrupt/);
  });

  test('SIGTERM to the emperor (systemctl stop) lets in-flight requests finish, then it exits 0', async () => {
    const { emperor, replies } = await twoBusyVassals();
    emperor.signal('SIGTERM');
    assertAnswered(await replies.module, 'module');
    assertAnswered(await replies.exec, 'exec');
    assert.deepEqual(await emperor.exited, { code: 0, signal: null });
    assert.deepEqual(emperor.find('master exited').map((line) => [line.code, line.signal]), [[0, null], [0, null]]);
  });

  test("the emperor waits for a master's own longer mercy: the master kills its worker, vacuums and exits 0", async () => {
    const dir = newDir();
    const pidfile = dir.file('mercy.pid');
    // the worker ignores its stop signal, so the master's 1.5 s mercy runs out; the emperor's own is 0.3 s
    const file = dir.write('mercy.ini', vassal('exec', `env = IGNORE_TERM=1\nreload-mercy = 1.5\npidfile = ${pidfile}\nvacuum = true\n`, 1));
    const emperor = startEmperor([dir.path, '--reload-mercy', '0.3'], { fake: false });
    await waitForState(emperor, 'mercy.ini', 'ready');
    assert.ok(existsSync(pidfile));
    rmSync(file);
    await waitForState(emperor, 'mercy.ini', 'stopped');
    await emperor.waitForLog('worker stop timed out, killed', { vassal: 'mercy.ini' });
    assert.deepEqual(emperor.find('master exited').map((line) => [line.code, line.signal]), [[0, null]]);
    assert.equal(emperor.find('master killed after mercy').length, 0);
    assert.ok(!existsSync(pidfile), "the master's vacuum ran");
  });
});
