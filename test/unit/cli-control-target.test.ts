// Which socket `uwemperor ls|stats|top` read: --control as a path (relative
// to the working directory) or host:port, else the documented default, which
// UWEMPEROR_CONTROL moves.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { controlTarget, EmperorUnreachableError, readEmperorStats } from '../../src/cli/read-emperor-stats.js';
import { TempDir } from '../helpers/temp-dir.js';

const dir = new TempDir();
after(() => dir.remove());

describe('control target', () => {
  it('takes a path, resolved against the working directory', () => {
    assert.deepEqual(controlTarget('run/emperor.sock', '/srv', {}, 1000), { address: { type: 'unix', path: '/srv/run/emperor.sock' }, where: '/srv/run/emperor.sock', userDefault: false });
    assert.equal(controlTarget('emperor.sock', '/srv', {}, 1000).where, '/srv/emperor.sock');
  });

  it('takes host:port (an emperor\'s stats address), IPv6 in brackets', () => {
    assert.deepEqual(controlTarget('127.0.0.1:9191', '/', {}, 0).address, { type: 'tcp', host: '127.0.0.1', port: 9191 });
    assert.deepEqual(controlTarget('[::1]:9191', '/', {}, 0).address, { type: 'tcp', host: '::1', port: 9191 });
  });

  it('defaults to root\'s path, the user\'s runtime dir, or UWEMPEROR_CONTROL', () => {
    assert.deepEqual(controlTarget(undefined, '/', {}, 0), { address: { type: 'unix', path: '/run/uwemperor.sock' }, where: '/run/uwemperor.sock', userDefault: false });
    const user = controlTarget(undefined, '/', { XDG_RUNTIME_DIR: '/run/user/1000' }, 1000);
    assert.deepEqual([user.where, user.userDefault], ['/run/user/1000/uwemperor.sock', true]);
    const moved = controlTarget(undefined, '/', { UWEMPEROR_CONTROL: '/tmp/e.sock' }, 1000);
    assert.deepEqual([moved.where, moved.userDefault], ['/tmp/e.sock', false]);
  });

  it('a user whose default path has no emperor is pointed at root\'s socket when one is there', async () => {
    const rootPath = dir.file('root.sock');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(rootPath, resolve));
    try {
      const user = controlTarget(undefined, '/', { XDG_RUNTIME_DIR: dir.path }, 1000);
      await assert.rejects(readEmperorStats(user, 1000, rootPath), (err: unknown) => err instanceof EmperorUnreachableError && err.message === `no emperor: ${dir.file('uwemperor.sock')} does not exist (an emperor's socket is at ${rootPath}: try --control ${rootPath})`);
      const given = controlTarget(dir.file('other.sock'), '/', {}, 1000);
      await assert.rejects(readEmperorStats(given, 1000, rootPath), /is uwemperor running\? give the socket with --control PATH/);
    } finally {
      server.close();
    }
  });
});
