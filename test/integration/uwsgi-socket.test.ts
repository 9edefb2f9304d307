// The uwsgi protocol on `socket` with the real uw master and a hand-written
// uwsgi client (packets built byte by byte, as nginx's uwsgi_pass sends them):
// GET and POST over TCP and UNIX sockets reach the module's request handler as
// a node:http pair, answers come back as HTTP/1.1 up to the close, and
// malformed or slow packets close their connection, count as exceptions and
// never take the worker down.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, afterEach, describe, it } from 'node:test';
import type { MasterStatsDocument } from '../../src/stats/master-document.js';
import { readStats } from '../../src/stats/read-stats.js';
import { APPS } from '../helpers/paths.js';
import { killAll, type SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids, startMaster } from '../helpers/uw-master.js';
import { exchange, open, request, uwsgiPacket, type UwsgiTarget } from '../helpers/uwsgi-client.js';
import { waitFor } from '../helpers/wait-for.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

interface Echo {
  pid: number;
  method: string;
  url: string;
  httpVersion: string;
  headers: Record<string, string>;
  remoteAddress: string;
  remotePort: number;
  encrypted: boolean;
  length: number;
  sha256: string;
}

/** A master with one worker of the echo app on a uwsgi TCP socket, a uwsgi UNIX socket and a UNIX stats socket. */
async function startEcho(name: string, extra = ''): Promise<{ cli: SpawnedCli; tcp: UwsgiTarget; unix: UwsgiTarget; stats: string }> {
  const unix = dir.file(`${name}.sock`);
  const stats = dir.file(`${name}-stats.sock`);
  const file = dir.write(`${name}.ini`, `[uwsgi]\nsocket = 127.0.0.1:0\nuwsgi-socket = ${unix}\nmodule = ${APPS}uwsgi-echo.mjs\nstats = ${stats}\n${extra}`);
  const { cli, port } = await startMaster([file]);
  return { cli, tcp: { port }, unix: { path: unix }, stats };
}

async function statsOf(path: string): Promise<MasterStatsDocument> {
  return JSON.parse(await readStats({ type: 'unix', path })) as MasterStatsDocument;
}

describe('socket speaks the uwsgi protocol', () => {
  it('GET over TCP and UNIX: the handler sees method, URL, headers, client; the answer is HTTP/1.1 and the connection closes', async () => {
    const { cli, tcp, unix, stats } = await startEcho('get');
    for (const target of [tcp, unix]) {
      const answer = await request(target, 'GET', '/path/x?a=1&b=2', undefined, { HTTP_X_TRACE: 'abc', HTTP_COOKIE: 'k=v', HTTPS: 'on' });
      assert.equal(answer.status, 200, answer.head);
      assert.match(answer.head, /^HTTP\/1\.1 200 OK\r\n/);
      assert.match(answer.head, /\r\nx-echo: yes/i);
      assert.match(answer.head, /\r\nConnection: close/i);
      assert.doesNotMatch(answer.head, /transfer-encoding/i, 'nginx reads a uwsgi body up to the close: no chunk framing');
      const echo = JSON.parse(answer.body) as Echo;
      assert.equal(echo.method, 'GET');
      assert.equal(echo.url, '/path/x?a=1&b=2');
      assert.equal(echo.httpVersion, '1.1');
      assert.deepEqual(echo.headers, { host: 'example.test', 'x-trace': 'abc', cookie: 'k=v' });
      assert.equal(echo.remoteAddress, '203.0.113.7');
      assert.equal(echo.remotePort, 54321);
      assert.equal(echo.encrypted, true);
      assert.equal(echo.length, 0);
    }
    const streamed = await request(tcp, 'GET', '/stream');
    assert.equal(streamed.body, 'one two three');
    // a client that shuts its sending side after the packet still gets the answer
    const halfClosed = await exchange(unix, uwsgiPacket({ REQUEST_METHOD: 'GET', REQUEST_URI: '/slow' }), undefined, 10_000, true);
    assert.match(halfClosed.body, /^slow \d+$/);
    // counted like HTTP requests, in the worker's statistics
    const doc = await waitFor('4 requests in the stats', async () => {
      const read = await statsOf(stats);
      return read.workers[0]?.requests === 4 ? read : undefined;
    });
    assert.equal(doc.workers[0]?.exceptions, 0);
    assert.deepEqual(doc.sockets.map((s) => s.proto), ['uwsgi', 'uwsgi']);
    assert.equal(cli.find('socket bound', { protocol: 'uwsgi' }).length, 2);
  });

  it('POST: a 1 MiB body streams to the handler whole, also when the packet and body come in small pieces', async () => {
    const { tcp, unix } = await startEcho('post');
    const body = Buffer.alloc(1 << 20);
    for (let i = 0; i < body.length; i += 1) body[i] = (i * 7919) & 0xff;
    const sha256 = createHash('sha256').update(body).digest('hex');
    for (const target of [tcp, unix]) {
      const echo = JSON.parse((await request(target, 'POST', '/upload', body)).body) as Echo;
      assert.deepEqual([echo.method, echo.length, echo.sha256, echo.headers['content-length'], echo.headers['content-type']], ['POST', body.length, sha256, String(body.length), 'application/octet-stream']);
    }
    // the packet cut in three writes, then the body in two, each after the previous one was sent
    const small = Buffer.from('hello uwsgi');
    const packet = uwsgiPacket({ REQUEST_METHOD: 'PUT', REQUEST_URI: '/pieces', CONTENT_LENGTH: String(small.length) });
    const answer = await piecewise(tcp, [packet.subarray(0, 2), packet.subarray(2, 9), packet.subarray(9), small.subarray(0, 5), small.subarray(5)]);
    const echo = JSON.parse(answer) as Echo;
    assert.deepEqual([echo.method, echo.url, echo.length, echo.sha256], ['PUT', '/pieces', small.length, createHash('sha256').update(small).digest('hex')]);
    // a client that ends before its CONTENT_LENGTH bytes: the request is aborted, nothing answered, the worker serves on
    const cut = await exchange(tcp, uwsgiPacket({ REQUEST_METHOD: 'POST', REQUEST_URI: '/cut', CONTENT_LENGTH: '100' }), Buffer.alloc(10), 10_000, true);
    assert.equal(cut.raw.length, 0);
    assert.equal((await request(tcp, 'GET', '/after-cut')).status, 200);
  });

  it('malformed packets close their connection unanswered and count as exceptions; the worker keeps serving', async () => {
    const { cli, tcp, stats } = await startEcho('bad', 'socket-timeout = 0.5\n');
    const [worker] = liveWorkerPids(cli);
    const overrun = Buffer.from([0, 6, 0, 0, 2, 0, 65, 65, 9, 0]);
    const cases: [string, Buffer][] = [
      ['datasize over buffer-size', Buffer.from([0, 0x01, 0x10, 0])],
      ['a value overrunning the vars', overrun],
      ['an empty key', Buffer.from([0, 4, 0, 0, 0, 0, 0, 0])],
      ['garbage', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
      ['CONTENT_LENGTH not a number', uwsgiPacket({ REQUEST_METHOD: 'POST', CONTENT_LENGTH: 'lots' })],
    ];
    for (const [what, bytes] of cases) {
      const answer = await exchange(tcp, bytes);
      assert.equal(answer.raw.length, 0, `${what}: answered ${answer.raw.toString('latin1').slice(0, 80)}`);
    }
    // a short header, then the client ends: closed too
    assert.equal((await exchange(tcp, Buffer.from([0, 10]), undefined, 5_000, true)).raw.length, 0);
    // a slow packet: part of it, then nothing; closed by the worker after socket-timeout
    const slow = await exchange(tcp, uwsgiPacket({ REQUEST_METHOD: 'GET' }).subarray(0, 6), undefined, 5_000);
    assert.equal(slow.raw.length, 0);
    const doc = await waitFor('7 exceptions in the stats', async () => {
      const read = await statsOf(stats);
      return read.workers[0]?.exceptions === 7 ? read : undefined;
    });
    assert.equal(doc.workers[0]?.requests, 0, 'no malformed packet became a request');
    assert.equal(doc.workers[0]?.pid, worker, 'the worker never crashed');
    const ok = await request(tcp, 'GET', '/after');
    assert.equal((JSON.parse(ok.body) as Echo).pid, worker);
    const reported = cli.lines.map((line) => String(line.msg)).filter((msg) => msg.includes('bad uwsgi packet, connection closed'));
    assert.ok(reported.some((msg) => msg.endsWith('datasize 4097 is over buffer-size 4096')), reported.join('\n'));
    assert.equal(cli.find('worker exited').length, 0);
  });

  it('a graceful reload (SIGHUP) finishes the request in flight and loses none of those that keep coming', async () => {
    const { cli, unix } = await startEcho('reload', 'processes = 2\n');
    const old = liveWorkerPids(cli);
    const slow = request(unix, 'GET', '/slow');
    let stop = false;
    const answers: number[] = [];
    const loop = (async () => {
      while (!stop) answers.push((await request(unix, 'GET', '/during').catch(() => ({ status: -1 }))).status);
    })();
    await waitFor('a few answers before the reload', () => (answers.length >= 3 ? true : undefined));
    cli.signal('SIGHUP');
    await cli.waitForLog('reload finished', {}, 1, 30_000);
    const after = answers.length;
    await waitFor('answers after the reload', () => (answers.length >= after + 3 ? true : undefined));
    stop = true;
    await loop;
    const inFlight = await slow;
    assert.equal(inFlight.status, 200);
    assert.ok(old.includes(Number(inFlight.body.split(' ')[1])), 'the old worker finished its request');
    assert.deepEqual(answers.filter((status) => status !== 200), [], `${answers.length} requests`);
    await waitFor('the old workers to exit, new ones serving', () => (liveWorkerPids(cli).every((pid) => !old.includes(pid)) ? true : undefined));
  });

  it('buffer-size raises the largest packet accepted; a handler that throws gets a 500 and counts', async () => {
    const { tcp, stats } = await startEcho('big', 'buffer-size = 8192\n');
    const answer = await request(tcp, 'GET', '/big', undefined, { HTTP_X_BIG: 'b'.repeat(5000) });
    assert.equal((JSON.parse(answer.body) as Echo).headers['x-big']?.length, 5000);
    assert.equal((await request(tcp, 'GET', '/throw')).status, 500);
    await waitFor('1 exception and 2 requests', async () => {
      const read = await statsOf(stats);
      return read.workers[0]?.exceptions === 1 && read.workers[0].requests === 2 ? true : undefined;
    });
  });
});

/** Write `pieces` one after another (each once the previous is flushed) and read the answer's body up to the close. */
function piecewise(target: UwsgiTarget, pieces: readonly Buffer[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = open(target);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve(text.slice(text.indexOf('\r\n\r\n') + 4));
    });
    const next = (index: number): void => {
      const piece = pieces[index];
      if (piece !== undefined) socket.write(piece, () => setImmediate(() => next(index + 1)));
    };
    next(0);
  });
}
