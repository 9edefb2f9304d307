// Zerg mode's bad days: no zerg server (fallback binds, or one clear line and
// exit 2), a zerg server path that is taken, stale or planted, and descriptor
// passing missing from the machine.
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, readlinkSync, symlinkSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { freePort } from '../helpers/free-port.js';
import { get } from '../helpers/http-client.js';
import { APPS, UW_BIN } from '../helpers/paths.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

/** The exit code of a uw that should stop by itself, and its one stderr line. */
async function failure(cli: SpawnedCli): Promise<{ code: number | null; line: string }> {
  const { code } = await cli.exited;
  const lines = cli.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line, got: ${cli.stderr}`);
  return { code, line: lines[0] ?? '' };
}

/** What a zerg server sends first: the data bytes of its message. */
function firstBytes(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    socket.once('data', (chunk) => {
      socket.destroy();
      resolve(chunk.toString('latin1'));
    });
    socket.once('error', reject);
  });
}

function uw(name: string, text: string, env: NodeJS.ProcessEnv = {}): { cli: SpawnedCli; file: string } {
  const file = dir.write(name, `[uwsgi]\n${text}module = ${APPS}hello.mjs\n`);
  return { cli: new SpawnedCli(UW_BIN, [file], { env }), file };
}

describe('zerg failures', () => {
  it('zerg-fallback binds the configured sockets when no zerg server listens', async () => {
    const port = await freePort();
    const { cli } = uw('fallback.ini', `zerg = ${dir.file('nobody.sock')}\nzerg-fallback = true\nhttp-socket = 127.0.0.1:${port}\n`);
    await cli.waitForLog('master ready');
    assert.equal(cli.find('zerg server not reachable, binding the configured sockets (zerg-fallback)').length, 1);
    assert.equal(cli.find('socket bound', { where: `127.0.0.1:${port}` }).length, 1);
    assert.equal((await get({ port })).status, 200);
  });

  it('without fallback, an unreachable zerg server is one line naming the path and the reason, exit 2', async () => {
    const path = dir.file('nobody.sock');
    const { cli, file } = uw('no-fallback.ini', `zerg = ${path}\nhttp-socket = 127.0.0.1:0\n`);
    const { code, line } = await failure(cli);
    assert.equal(code, 2);
    assert.equal(line, `uw: ${file}: option "zerg": cannot attach to the zerg server ${path}: cannot connect (ENOENT) [UW_ZERG_ATTACH]`);
    assert.equal(cli.find('socket bound').length, 0);
  });

  it('a zerg server path another live server answers on is refused (UW_SOCKET_IN_USE, exit 75)', async () => {
    const path = dir.file('live.sock');
    const other: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => other.listen(path, resolve));
    try {
      const port = await freePort();
      const { cli, file } = uw('live.ini', `zerg-server = ${path}\nhttp-socket = 127.0.0.1:${port}\n`);
      const { code, line } = await failure(cli);
      assert.equal(code, 75);
      assert.equal(line, `uw: ${file}: option "zerg-server": ${path} is in use: another zerg server answers on it [UW_SOCKET_IN_USE]`);
      // its own socket was released: the port is free for the next try
      const again = uw('live-port.ini', `http-socket = 127.0.0.1:${port}\n`);
      await again.cli.waitForLog('master ready');
    } finally {
      other.close();
    }
  });

  it('a stale zerg server socket is replaced; a symlink planted at the path is refused and left alone', async () => {
    const stale = dir.file('stale.sock');
    // a master SIGKILLed leaves its zerg server socket file behind, with nobody listening
    const dead = uw('dead.ini', `zerg-server = ${stale}\nhttp-socket = 127.0.0.1:0\n`);
    await dead.cli.waitForLog('zerg server listening');
    await dead.cli.kill();
    assert.ok(lstatSync(stale).isSocket(), 'the stale socket file is left');
    const { cli } = uw('stale.ini', `zerg-server = ${stale}\nhttp-socket = 127.0.0.1:0\n`);
    await cli.waitForLog('zerg server listening', { where: stale });
    assert.match(await firstBytes(stale), /^uwsgi-zerg/, 'the new master answers on the path');

    const link = dir.file('planted.sock');
    symlinkSync(dir.file('elsewhere'), link);
    const planted = uw('planted.ini', `zerg-server = ${link}\nhttp-socket = 127.0.0.1:0\n`);
    const { code, line } = await failure(planted.cli);
    assert.equal(code, 75);
    assert.match(line, /option "zerg-server": .*planted\.sock exists and is a symbolic link, not a socket: not removing it \[UW_PATH_NOT_OURS\]$/);
    assert.equal(readlinkSync(link), dir.file('elsewhere'));
  });

  it('a master cannot be its own zerg: the same path for zerg and zerg-server is a config conflict', async () => {
    const path = dir.file('self.sock');
    const { cli, file } = uw('self.ini', `zerg = ${path}\nzerg-server = ${path}\n`);
    const { code, line } = await failure(cli);
    assert.equal(code, 2);
    assert.equal(line, `uw: config error in ${file}: options "zerg" and "zerg-server" name the same socket ${path}: a master cannot attach to itself [UW_CONFIG_CONFLICT]`);
  });

  for (const option of ['zerg', 'zerg-server'] as const) {
    it(`"${option}" without the descriptor-passing mechanism fails with a clear message, exit 2`, async () => {
      const { cli, file } = uw(`unavailable-${option}.ini`, `${option} = ${dir.file(`${option}-x.sock`)}\nhttp-socket = 127.0.0.1:0\n`, { UW_FD_PASSING: 'unavailable' });
      const { code, line } = await failure(cli);
      assert.equal(code, 2);
      const verb = option === 'zerg' ? 'receive' : 'pass';
      assert.equal(line, `uw: ${file}: option "${option}": cannot ${verb} descriptors: descriptor passing disabled by UW_FD_PASSING=unavailable [UW_ZERG_UNAVAILABLE]`);
    });
  }
});
