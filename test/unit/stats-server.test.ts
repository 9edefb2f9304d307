// The stats server on real sockets: a silent client gets the JSON and EOF (as
// uWSGI's), HTTP clients get / and /metrics, UNIX sockets are created 0600 and
// never over a live one, and misbehaving clients hold nothing up.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, readFileSync, symlinkSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { startStatsServer, type StatsServer } from '../../src/stats/stats-server.js';
import { readStats } from '../../src/stats/read-stats.js';
import { UwError } from '../../src/errors.js';
import { get, tryGet } from '../helpers/http-client.js';
import { waitFor } from '../helpers/wait-for.js';
import { TempDir } from '../helpers/temp-dir.js';
import { PYTHON } from '../helpers/paths.js';

const dir = new TempDir();
const servers: StatsServer[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
  dir.remove();
});

let documents = 0;
const source = {
  document: () => Promise.resolve({ version: 'test', n: ++documents }),
  metrics: () => Promise.resolve('# TYPE up gauge\nup 1\n'),
};

async function start(address: Parameters<typeof startStatsServer>[0]['address'], extra: { mode?: number; httpAlways?: boolean } = {}): Promise<StatsServer> {
  const server = await startStatsServer({ address, option: 'stats', file: 'app.ini', ...extra }, source, (err) => assert.fail(String(err)));
  servers.push(server);
  return server;
}

describe('stats server', () => {
  it('sends a silent client one JSON document and closes', async () => {
    const server = await start({ type: 'tcp', host: '127.0.0.1', port: 0 });
    const text = await readStats({ type: 'tcp', host: '127.0.0.1', port: server.port ?? 0 });
    assert.equal((JSON.parse(text) as { version: string }).version, 'test');
  });

  it('answers HTTP on the same address: / is the JSON, /metrics is text, anything else 404', async () => {
    const server = await start({ type: 'tcp', host: '127.0.0.1', port: 0 });
    const target = { port: server.port ?? 0 };
    const root = await get(target, '/');
    assert.equal(root.status, 200);
    assert.match(String(root.headers['content-type']), /application\/json/);
    assert.equal((JSON.parse(root.body) as { version: string }).version, 'test');
    const metrics = await get(target, '/metrics');
    assert.match(String(metrics.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.equal(metrics.body, '# TYPE up gauge\nup 1\n');
    assert.equal((await get(target, '/nope')).status, 404);
  });

  it('with httpAlways a silent client gets HTTP headers and the JSON', async () => {
    const server = await start({ type: 'tcp', host: '127.0.0.1', port: 0 }, { httpAlways: true });
    const text = await readStats({ type: 'tcp', host: '127.0.0.1', port: server.port ?? 0 });
    assert.match(text, /^HTTP\/1\.0 200 OK\r\n/);
    assert.equal((JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { version: string }).version, 'test');
  });

  it('creates a UNIX socket 0600 by default, or with the mode asked', async () => {
    const path = dir.file('stats.sock');
    await start({ type: 'unix', path });
    assert.equal(lstatSync(path).mode & 0o777, 0o600);
    assert.equal((JSON.parse(await readStats({ type: 'unix', path })) as { version: string }).version, 'test');
    const open = dir.file('open.sock');
    await start({ type: 'unix', path: open }, { mode: 0o660 });
    assert.equal(lstatSync(open).mode & 0o777, 0o660);
  });

  it('refuses a path where a live server answers, a symlink or a file; replaces a dead socket file', async () => {
    const path = dir.file('live.sock');
    await start({ type: 'unix', path });
    await assert.rejects(start({ type: 'unix', path }), (err: unknown) => err instanceof UwError && err.code === 'UW_SOCKET_IN_USE' && /option "stats"/.test(err.message));
    const link = dir.file('link.sock');
    symlinkSync(dir.file('elsewhere'), link);
    await assert.rejects(start({ type: 'unix', path: link }), (err: unknown) => err instanceof UwError && err.code === 'UW_PATH_NOT_OURS');
    const file = dir.write('file.sock', 'not a socket');
    await assert.rejects(start({ type: 'unix', path: file }), (err: unknown) => err instanceof UwError && err.code === 'UW_PATH_NOT_OURS');
    assert.equal(readFileSync(file, 'utf8'), 'not a socket');
    // a dead socket file: bound, never listening, as a crashed process leaves it
    const dead = dir.file('dead.sock');
    execFileSync(PYTHON, ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', dead]);
    assert.ok(lstatSync(dead).isSocket());
    await start({ type: 'unix', path: dead });
    assert.equal((JSON.parse(await readStats({ type: 'unix', path: dead })) as { version: string }).version, 'test');
  });

  it('fails with UW_SOCKET_IN_USE on a TCP port someone holds', async () => {
    const server = await start({ type: 'tcp', host: '127.0.0.1', port: 0 });
    await assert.rejects(start({ type: 'tcp', host: '127.0.0.1', port: server.port ?? 0 }), (err: unknown) => err instanceof UwError && err.code === 'UW_SOCKET_IN_USE');
  });

  it('answers garbage with the document, and keeps serving while 300 clients hold connections open without reading', async () => {
    const server = await start({ type: 'tcp', host: '127.0.0.1', port: 0 });
    const port = server.port ?? 0;
    const garbage = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('\x00\x01garbage\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    assert.equal((JSON.parse(garbage) as { version: string }).version, 'test');
    const idle: Socket[] = [];
    try {
      await Promise.all(
        Array.from({ length: 300 }, () => new Promise<void>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => resolve());
          socket.pause();
          socket.on('error', () => resolve());
          socket.on('close', () => resolve());
          idle.push(socket);
        })),
      );
      // answered and closed after the sniffing delay: the slots free themselves, the server still serves
      const reply = await waitFor('an answer while 300 clients hold connections', () => tryGet({ port }, '/'), 3_000);
      assert.equal(reply.status, 200);
    } finally {
      for (const socket of idle) socket.destroy();
    }
  });
  // without an absolute deadline the connection would stay open for as long as the client trickles: the test times out
  it('closes a client that trickles its request (slowloris) at the absolute deadline', { timeout: 20_000 }, async () => {
    const server = await start({ type: 'tcp', host: '127.0.0.1', port: 0 });
    const socket = connect(server.port ?? 0, '127.0.0.1');
    const trickle = setInterval(() => socket.write('X-Slow: 1\r\n'), 500);
    try {
      socket.write('GET / HTTP/1.1\r\n');
      await new Promise<void>((resolve) => {
        socket.on('error', () => undefined);
        socket.once('close', () => resolve());
      });
      // closed by the server although the client wrote every 500 ms: an idle timer would never fire
      assert.equal(socket.destroyed, true);
    } finally {
      clearInterval(trickle);
      socket.destroy();
    }
  });
});

