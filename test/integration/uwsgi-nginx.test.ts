// The uwsgi protocol with the real peer that speaks it: Debian's nginx,
// `uwsgi_pass` to uw's `socket` over TCP and over a UNIX socket, with nginx's
// own uwsgi_params. GET and POST bodies (1 MiB too) reach the module's handler
// whole, streamed answers come back, and an Express app works behind it.
// Skipped, saying so, where nginx is not installed.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import { after, afterEach, describe, it } from 'node:test';
import { APPS } from '../helpers/paths.js';
import { nginxMissing, startNginx, stopNginx } from '../helpers/nginx.js';
import { killAll } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids, startMaster } from '../helpers/uw-master.js';

const dir = new TempDir();
afterEach(async () => {
  await stopNginx();
  await killAll();
});
after(() => dir.remove());

const skip = nginxMissing();

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One HTTP request to nginx on `port`. */
function send(port: number, method: string, path: string, body?: Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false, headers: { ...headers, ...(body && { 'content-length': body.length }) }, timeout: 20_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** A master running `module` on a uwsgi TCP socket and a uwsgi UNIX socket, and nginx passing to each. */
async function behindNginx(name: string, module: string): Promise<{ ports: readonly number[]; worker: number }> {
  const unix = dir.file(`${name}.sock`);
  const { cli, port } = await startMaster([dir.write(`${name}.ini`, `[uwsgi]\nsocket = 127.0.0.1:0\nsocket = ${unix}\nmodule = ${module}\n`)]);
  const nginx = await startNginx(dir.file(`${name}-nginx`), [`127.0.0.1:${port}`, `unix:${unix}`]);
  const [worker = 0] = liveWorkerPids(cli);
  return { ports: nginx.ports, worker };
}

const MIB = Buffer.alloc(1 << 20);
for (let i = 0; i < MIB.length; i += 1) MIB[i] = (i * 31 + (i >> 8)) & 0xff;
const MIB_SHA = createHash('sha256').update(MIB).digest('hex');

describe('nginx uwsgi_pass to socket', { skip }, () => {
  it('GET, streamed answers and POST bodies (1 MiB too) over TCP and UNIX', async () => {
    const { ports, worker } = await behindNginx('echo', `${APPS}uwsgi-echo.mjs`);
    for (const port of ports) {
      const got = await send(port, 'GET', '/a/b?x=1&y=%20', undefined, { 'x-trace': 't1', cookie: 'a=1' });
      assert.equal(got.status, 200, got.body);
      assert.equal(got.headers['x-echo'], 'yes');
      const echo = JSON.parse(got.body) as Record<string, unknown>;
      assert.equal(echo.pid, worker);
      assert.deepEqual([echo.method, echo.url, echo.remoteAddress, echo.length], ['GET', '/a/b?x=1&y=%20', '127.0.0.1', 0]);
      assert.deepEqual(echo.headers, { host: '127.0.0.1', 'x-trace': 't1', cookie: 'a=1', connection: 'close' });
      assert.equal((await send(port, 'GET', '/stream')).body, 'one two three');
      const small = JSON.parse((await send(port, 'POST', '/form', Buffer.from('a=1&b=2'), { 'content-type': 'application/x-www-form-urlencoded' })).body) as Record<string, unknown>;
      assert.deepEqual([small.method, small.length, (small.headers as Record<string, string>)['content-type'], (small.headers as Record<string, string>)['content-length']], ['POST', 7, 'application/x-www-form-urlencoded', '7']);
      const big = JSON.parse((await send(port, 'POST', '/upload', MIB, { 'content-type': 'application/octet-stream' })).body) as Record<string, unknown>;
      assert.deepEqual([big.length, big.sha256], [MIB.length, MIB_SHA]);
    }
  });

  it('an Express app behind uwsgi_pass: routes, req.ip, JSON and raw body parsers, 404', async () => {
    const { ports, worker } = await behindNginx('express', `${APPS}express-app.mjs`);
    for (const port of ports) {
      const hello = await send(port, 'GET', '/hello/bob?x=1');
      assert.equal(hello.status, 200, hello.body);
      assert.match(String(hello.headers['content-type']), /^application\/json/);
      assert.deepEqual(JSON.parse(hello.body), { hello: 'bob', query: { x: '1' }, ip: '127.0.0.1', protocol: 'http', host: '127.0.0.1', pid: worker });
      const json = await send(port, 'POST', '/json', Buffer.from(JSON.stringify({ a: [1, 2], b: 'ü' })), { 'content-type': 'application/json' });
      assert.deepEqual(JSON.parse(json.body), { got: { a: [1, 2], b: 'ü' }, type: 'application/json' });
      const raw = await send(port, 'POST', '/raw', MIB, { 'content-type': 'application/octet-stream' });
      assert.deepEqual(JSON.parse(raw.body), { length: MIB.length, sha256: MIB_SHA });
      assert.equal((await send(port, 'GET', '/nowhere')).status, 404);
    }
  });
});
