// The master's sockets listen from the moment they are bound: a second master on
// the same address gets UW_SOCKET_IN_USE (module and exec), and a client arriving
// before any worker is ready waits in the backlog instead of being refused.
// Socket paths: nothing planted there is followed or removed.
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { freePort } from '../helpers/free-port.js';
import { APPS, UW_BIN } from '../helpers/paths.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { startMaster } from '../helpers/uw-master.js';
import { waitFor } from '../helpers/wait-for.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

/** The exit of a CLI that should stop by itself, with a deadline. */
async function exitOf(cli: SpawnedCli, timeoutMs = 15_000): Promise<number | null> {
  await waitFor('uw to exit', () => (cli.child.exitCode !== null || cli.child.signalCode !== null ? true : undefined), timeoutMs);
  return cli.child.exitCode;
}

const apps = {
  module: `module = ${APPS}hello.mjs\n`,
  exec: `exec = ${APPS}hold-socket.sh ${dir.file('never')}\n`,
} as const;

describe('master sockets', () => {
  for (const kind of ['module', 'exec'] as const) {
    it(`a second master on the same address gets UW_SOCKET_IN_USE and exit 75 (${kind})`, async () => {
      const port = await freePort();
      const key = kind === 'module' ? 'http-socket' : 'socket';
      // the first master's module worker never gets ready: only the master holds the port
      const app = kind === 'module' ? `module = ${APPS}wait-for-file.mjs\nenv = GO_FILE=${dir.file('never')}\n` : apps.exec;
      const first = new SpawnedCli(UW_BIN, [dir.write(`first-${kind}.ini`, `[uwsgi]\n${key} = 127.0.0.1:${port}\n${app}`)]);
      await first.waitForLog('master started');
      const secondFile = dir.write(`second-${kind}.ini`, `[uwsgi]\n${key} = 127.0.0.1:${port}\n${app}`);
      const second = new SpawnedCli(UW_BIN, [secondFile]);
      assert.equal(await exitOf(second), 75, 'a transient error: the emperor retries it');
      assert.equal(second.find('socket bound').length, 0);
      assert.match(second.stderr, new RegExp(`^uw: ${secondFile}: option "${key}": address already in use: 127\\.0\\.0\\.1:${port} \\[UW_SOCKET_IN_USE\\]\\n$`));
      assert.equal(first.child.exitCode, null, 'the first master still runs');
    });
  }

  it('a second master on the same UNIX socket path gets UW_SOCKET_IN_USE and leaves the first one\'s socket alone', async () => {
    const socketPath = dir.file('shared.sock');
    const config = (name: string) => dir.write(name, `[uwsgi]\nhttp-socket = ${socketPath}\n${apps.module}`);
    const first = await startMaster([config('first-unix.ini')]);
    const before = lstatSync(socketPath).ino;
    const second = new SpawnedCli(UW_BIN, [config('second-unix.ini')]);
    assert.equal(await exitOf(second), 75);
    assert.match(second.stderr, /second-unix\.ini: option "http-socket": address already in use: .*shared\.sock \[UW_SOCKET_IN_USE\]/);
    assert.equal(lstatSync(socketPath).ino, before, 'the first master\'s socket file is still there');
    assert.equal(first.cli.child.exitCode, null);
  });

  it('a client that connects before any worker is ready waits in the backlog and is served', async () => {
    const go = dir.file('go');
    const file = dir.write('backlog.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}wait-for-file.mjs\nenv = GO_FILE=${go}\n`);
    const cli = new SpawnedCli(UW_BIN, [file]);
    const bound = await cli.waitForLog('socket bound');
    const port = Number(String(bound.where).split(':')[1]);
    const client = connect(port, '127.0.0.1');
    const reply = new Promise<string>((resolve, reject) => {
      let text = '';
      client.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      client.on('end', () => resolve(text));
      client.on('error', reject);
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('error', reject);
    });
    client.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.equal(cli.find('worker ready').length, 0, 'no worker was ready when the client connected');
    writeFileSync(go, '');
    assert.match(await reply, /^HTTP\/1\.1 200 [^]*\r\n\r\nserved$/);
  });

  it('a host name (localhost) is looked up, bound, and served', async () => {
    const port = await freePort();
    const { cli } = await startMaster([dir.write('hostname.ini', `[uwsgi]\nhttp-socket = localhost:${port}\n${apps.module}`)]);
    const where = String(cli.find('socket bound')[0]?.where);
    assert.match(where, new RegExp(`^(127\\.0\\.0\\.1|\\[?::1\\]?):${port}$`));
    const host = where.startsWith('127.') ? '127.0.0.1' : '::1';
    await new Promise<void>((resolve, reject) => {
      const socket = connect({ host, port }, () => { socket.destroy(); resolve(); });
      socket.on('error', reject);
    });
  });

  it('an address this host does not have (EADDRNOTAVAIL) is a transient error, exit 75', async (t) => {
    const address = '203.0.113.1'; // TEST-NET-3: bound only, never sent to
    if (Object.values(networkInterfaces()).flat().some((nic) => nic?.address === address)) return t.skip(`${address} is configured here`);
    const file = dir.write('notavail.ini', `[uwsgi]\nhttp-socket = ${address}:${await freePort()}\n${apps.module}`);
    const cli = new SpawnedCli(UW_BIN, [file]);
    assert.equal(await exitOf(cli), 75);
    assert.match(cli.stderr, /notavail\.ini: option "http-socket": address not available on this host .*EADDRNOTAVAIL.*\[UW_SOCKET_BIND\]/);
  });

  it('a symlink planted at the socket path is neither followed nor removed', async () => {
    const victim = dir.write('victim.txt', 'precious\n');
    const socketPath = dir.file('planted.sock');
    symlinkSync(victim, socketPath);
    const before = statSync(victim);
    const file = dir.write('planted.ini', `[uwsgi]\nhttp-socket = ${socketPath}\n${apps.module}chmod-socket = 666\nvacuum = true\n`);
    const cli = new SpawnedCli(UW_BIN, [file]);
    assert.equal(await exitOf(cli), 75);
    assert.match(cli.stderr, /planted\.sock exists and is a symbolic link, not a socket: not removing it \[UW_PATH_NOT_OURS\]/);
    assert.equal(readlinkSync(socketPath), victim, 'the symlink is left where it was');
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
    assert.equal(statSync(victim).mode, before.mode, 'the target was not chmod-ed');
  });

  it('chmod-socket creates the socket with its mode; vacuum removes it but not a file put at its path later', async () => {
    const socketPath = dir.file('vacuum.sock');
    const file = dir.write('vacuum.ini', `[uwsgi]\nhttp-socket = ${socketPath}\n${apps.module}chmod-socket = 640\nvacuum = true\n`);
    const { cli } = await startMaster([file]);
    assert.equal(lstatSync(socketPath).mode & 0o777, 0o640);
    rmSync(socketPath);
    writeFileSync(socketPath, 'not yours\n');
    cli.signal('SIGINT');
    await cli.exited;
    assert.equal(readFileSync(socketPath, 'utf8'), 'not yours\n', 'vacuum left the file it did not create');
    rmSync(socketPath);

    const again = await startMaster([file]);
    again.cli.signal('SIGINT');
    await again.cli.exited;
    assert.equal(existsSync(socketPath), false, 'vacuum removes the socket it bound');
  });
});
