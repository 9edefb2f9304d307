// Keep-alive connections opened at once are spread over a vassal's workers.
// All workers accept from one shared socket, and the worker the scheduler runs
// takes whatever is waiting; a keep-alive connection stays where it landed. The
// test makes that skew certain: one worker is inside a 120 ms synchronous request
// when 32 connections open, so without balancing its sibling takes all 32. With
// balancing the sibling stops accepting once it holds more than its share, the
// connections wait in the backlog, and the busy worker takes them when it is free.
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { APPS } from '../helpers/paths.js';
import { killAll } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids, startMaster } from '../helpers/uw-master.js';

const dir = new TempDir();
const open: Socket[] = [];
afterEach(async () => {
  for (const socket of open.splice(0)) socket.destroy();
  await killAll();
});
after(() => dir.remove());

const CONNECTIONS = 32;

/** One keep-alive connection: send GET `path`, resolve with the PID in the reply once `until` matches what came back. */
function request(port: number, path: string, until: RegExp): Promise<{ socket: Socket; pid: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    open.push(socket);
    let text = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: test\r\n\r\n`));
    socket.on('data', (chunk: string) => {
      text += chunk;
      const match = until.exec(text);
      if (match !== null) resolve({ socket, pid: Number(match[1] ?? 0) });
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`connection closed before a reply to ${path}: ${JSON.stringify(text)}`)));
  });
}

describe('accept balance', () => {
  it('spreads 32 keep-alive connections opened at once over 2 workers while one is busy', async () => {
    const ini = dir.write('balance.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}busy.mjs\nprocesses = 2\n`);
    const { cli, port } = await startMaster([ini]);
    const workers = liveWorkerPids(cli);
    assert.equal(workers.length, 2);
    // one worker is inside a long request (its headers are out) while the connections open
    await request(port, '/busy?ms=120', /^HTTP\/1\.1 200/);
    const replies = await Promise.all(Array.from({ length: CONNECTIONS }, () => request(port, '/', /pid (\d+)/)));
    const held = new Map<number, number>();
    for (const { pid } of replies) held.set(pid, (held.get(pid) ?? 0) + 1);
    const counts = workers.map((pid) => held.get(pid) ?? 0);
    assert.equal(counts[0]! + counts[1]!, CONNECTIONS, `every connection was answered by one of the workers: ${JSON.stringify([...held])}`);
    // even is 16/16; each worker stops accepting 2 above its sibling, so 20 leaves room for the races
    assert.ok(Math.max(...counts) <= 20, `expected each worker to hold at most 20 of ${CONNECTIONS} connections, got ${counts.join(' and ')}`);
  });
});
