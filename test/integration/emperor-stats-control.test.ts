// The emperor's control socket: always there (0600, the emperor's user), the
// same document and /metrics as `stats`; an explicit path in use fails the
// start, the default path in use only costs a warning; removed at stop; bad
// clients do not stall the emperor.
import assert from 'node:assert/strict';
import { existsSync, lstatSync, symlinkSync } from 'node:fs';
import { Agent } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, describe, test } from 'node:test';
import { get } from '../helpers/http-client.js';
import { parsePrometheus, sampleOf } from '../helpers/prometheus.js';
import { TempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { readStats } from '../../src/stats/read-stats.js';
import { startEmperor, useVassalDirs, waitForState } from './emperor-harness.js';

const newDir = useVassalDirs();
const temps: TempDir[] = [];
after(() => temps.forEach((temp) => temp.remove()));
const tempDir = (): TempDir => {
  const temp = new TempDir();
  temps.push(temp);
  return temp;
};

const unixDocument = async (path: string) => JSON.parse(await readStats({ type: 'unix', path })) as { pid: number; vassals: { id: string }[] };

describe('emperor control socket', () => {
  test('created 0600 at --control, serves the document and /metrics; removed at stop', async () => {
    const dir = newDir();
    dir.write('one.ini', 'mode = ready\n');
    const control = tempDir().file('control.sock');
    const emperor = startEmperor([dir.path, '--control', control]);
    await waitForState(emperor, 'one.ini', 'ready');
    const stats = lstatSync(control);
    assert.ok(stats.isSocket());
    assert.equal(stats.mode & 0o777, 0o600);
    assert.equal(stats.uid, process.getuid?.());
    const doc = await unixDocument(control);
    assert.equal(doc.pid, emperor.pid);
    assert.deepEqual(doc.vassals.map((v) => v.id), ['one.ini']);
    const metrics = await get({ socketPath: control }, '/metrics');
    assert.equal(sampleOf(parsePrometheus(metrics.body), 'uwemperor_vassal_up', { vassal: 'one.ini' }), 1);
    emperor.signal('SIGINT');
    assert.deepEqual(await emperor.exited, { code: 0, signal: null });
    assert.equal(existsSync(control), false);
  });

  test('an explicit --control in use by a live emperor: exit 2 with one clear line, nothing started', { timeout: 30_000 }, async () => {
    const dir = newDir();
    dir.write('one.ini', 'mode = ready\n');
    const control = tempDir().file('control.sock');
    const first = startEmperor([dir.path, '--control', control]);
    await waitForState(first, 'one.ini', 'ready');
    const second = startEmperor([newDir().path, '--control', control]);
    assert.deepEqual(await second.exited, { code: 2, signal: null });
    assert.equal(second.stderr.trim().split('\n').length, 1);
    assert.match(second.stderr, /control.*address already in use: .*control\.sock.*UW_SOCKET_IN_USE/);
    assert.equal(second.find('master spawned').length, 0);
    assert.equal((await unixDocument(control)).pid, first.pid, 'the first emperor keeps its socket');
  });

  test('a symlink at --control is refused (exit 2), never followed', { timeout: 30_000 }, async () => {
    const temp = tempDir();
    const control = temp.file('control.sock');
    symlinkSync(temp.file('elsewhere'), control);
    const emperor = startEmperor([newDir().path, '--control', control]);
    assert.deepEqual(await emperor.exited, { code: 2, signal: null });
    assert.match(emperor.stderr, /symbolic link.*UW_PATH_NOT_OURS/);
    assert.equal(existsSync(temp.file('elsewhere')), false);
  });

  test('the default path in use: one warning, and the emperor runs without a control socket', async () => {
    const control = tempDir().file('default.sock');
    const env = { UWEMPEROR_CONTROL: control };
    const dir = newDir();
    dir.write('one.ini', 'mode = ready\n');
    const first = startEmperor([dir.path], { env });
    await waitForState(first, 'one.ini', 'ready');
    const other = newDir();
    other.write('two.ini', 'mode = ready\n');
    const second = startEmperor([other.path], { env });
    await waitForState(second, 'two.ini', 'ready');
    const warnings = second.find('no control socket');
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]?.level, 'warn');
    assert.equal(warnings[0]?.detail, `another emperor listens on ${control}; this one has no control socket; use --control PATH`);
    assert.equal((await unixDocument(control)).pid, first.pid);
    second.signal('SIGINT');
    await second.exited;
    assert.equal((await unixDocument(control)).pid, first.pid, 'the second emperor did not remove the first one\'s socket');
  });

  test('a keep-alive client that keeps polling does not hold up the emperor\'s exit', { timeout: 60_000 }, async () => {
    const dir = newDir();
    dir.write('one.ini', 'mode = ready\n');
    const control = tempDir().file('control.sock');
    const emperor = startEmperor([dir.path, '--control', control]);
    await waitForState(emperor, 'one.ini', 'ready');
    const agent = new Agent({ keepAlive: true });
    let polling = true;
    let answers = 0;
    const poller = (async () => {
      while (polling) {
        await get({ socketPath: control }, '/', agent).then(() => answers++, () => (polling = false));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    try {
      await waitFor('a few answers on one connection', () => (answers >= 3 ? true : undefined));
      emperor.signal('SIGINT');
      const exited = await Promise.race([emperor.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 20_000))]);
      assert.deepEqual(exited, { code: 0, signal: null });
    } finally {
      polling = false;
      await poller;
      agent.destroy();
    }
  });

  test('clients that never read, never send, or send garbage do not stall the emperor', async () => {
    const dir = newDir();
    dir.write('one.ini', 'mode = ready\n');
    const control = tempDir().file('control.sock');
    const emperor = startEmperor([dir.path, '--control', control]);
    await waitForState(emperor, 'one.ini', 'ready');
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < 100; i++) {
        const socket = connect(control);
        socket.on('error', () => undefined);
        socket.pause(); // never reads
        sockets.push(socket);
        if (i % 4 === 0) socket.write(Buffer.from([0xff, 0x00, 0x13, 0x37, 0x0a]));
      }
      const doc = await unixDocument(control);
      assert.deepEqual(doc.vassals.map((v) => v.id), ['one.ini']);
      dir.write('two.ini', 'mode = ready\n');
      await waitForState(emperor, 'two.ini', 'ready');
      assert.equal((await get({ socketPath: control }, '/')).status, 200);
    } finally {
      sockets.forEach((socket) => socket.destroy());
    }
    assert.equal(emperor.child.exitCode, null);
  });
});
