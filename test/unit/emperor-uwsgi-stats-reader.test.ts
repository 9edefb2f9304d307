// The emperor (root) reads a uWSGI master's UNIX stats socket, which the app's
// user made and can replace at any moment: the socket it connects to is the one
// whose kind and owner it checked, whatever is put at the path in between.
import assert from 'node:assert/strict';
import { renameSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { after, test } from 'node:test';
import { readUwsgiStats } from '../../src/emperor/uwsgi-stats-reader.js';
import { TempDir } from '../helpers/temp-dir.js';

const dir = new TempDir();
const servers: Server[] = [];
after(async () => {
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  dir.remove();
});
const uid = process.getuid?.() ?? 0;

/** A uWSGI-like stats server at `name` that sends a document with `pid` and closes. */
async function statsServer(name: string, pid: number): Promise<string> {
  const path = dir.file(name);
  const server = createServer((socket) => socket.end(JSON.stringify({ version: '2.0', pid, workers: [] })));
  servers.push(server);
  await new Promise<void>((listening) => server.listen(path, listening));
  return path;
}

test('the socket checked is the socket read: one put at its path after the check is not connected to', async () => {
  const checked = await statsServer('app-stats.sock', 1111);
  const other = await statsServer('root-only.sock', 2222);
  const read = await readUwsgiStats({ type: 'unix', path: checked }, uid, 10_000, 'app.ini', { afterCheck: () => renameSync(other, checked) });
  assert.equal('stats' in read && read.stats?.pid, 1111);
  // the swap did happen: a read by the path now reaches the other server
  const now = await readUwsgiStats({ type: 'unix', path: checked }, uid, 10_000, 'app.ini');
  assert.equal(now.stats?.pid, 2222);
});

test('a symlink, a socket of another owner and a regular file are not read', async () => {
  const real = await statsServer('real.sock', 3333);
  const link = dir.file('link.sock');
  symlinkSync(real, link);
  assert.deepEqual(await readUwsgiStats({ type: 'unix', path: link }, uid, 10_000, 'app.ini'), { stats: null, timeout: false });
  assert.deepEqual(await readUwsgiStats({ type: 'unix', path: real }, uid + 1, 10_000, 'app.ini'), { stats: null, timeout: false });
  assert.deepEqual(await readUwsgiStats({ type: 'unix', path: dir.write('plain', 'x') }, uid, 10_000, 'app.ini'), { stats: null, timeout: false });
  assert.equal((await readUwsgiStats({ type: 'unix', path: real }, uid, 10_000, 'app.ini')).stats?.pid, 3333);
});
