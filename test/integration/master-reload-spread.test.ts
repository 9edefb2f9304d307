// reload-spread: after a graceful reload's switch, the old workers close their
// keep-alive connections over a window (each after its next response at its own
// random moment), not all at once; with reload-spread = 0 all close at once.
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, get } from 'node:http';
import { APPS } from '../helpers/paths.js';
import { killAll } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { startMaster } from '../helpers/uw-master.js';
import { waitFor } from '../helpers/wait-for.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

const CONNECTIONS = 12;

interface Answer {
  readonly at: number;
  readonly pid: number;
  readonly close: boolean;
}

/** One keep-alive connection sending a request every 20 ms until stopped; every answer and failure recorded. */
function keepAliveLoop(port: number): { answers: Answer[]; failures: string[]; stop: () => Promise<void> } {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const answers: Answer[] = [];
  const failures: string[] = [];
  let running = true;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          answers.push({ at: Date.now(), pid: Number(body.split(' ')[1]), close: res.headers.connection === 'close' });
          resolve();
        });
      }).on('error', (err) => {
        failures.push(err.message);
        resolve();
      });
    });
  const done = (async () => {
    while (running) {
      await one();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return { answers, failures, stop: async () => {
    running = false;
    await done;
    agent.destroy();
  } };
}

/**
 * For each loop: ms after `since` at which it got its old worker's `Connection: close`, and how many answers
 * its old worker gave after `since` without closing (the connection kept open while the window runs).
 */
async function closeDelays(spread: string): Promise<{ delays: number[]; keptOpen: number[] }> {
  const file = dir.write(`spread-${spread}.ini`, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\nprocesses = 2\nreload-spread = ${spread}\n`);
  const { cli, port } = await startMaster([file]);
  const loops = Array.from({ length: CONNECTIONS }, () => keepAliveLoop(port));
  try {
    await waitFor('every connection served', () => (loops.every((loop) => loop.answers.length >= 3) ? true : undefined));
    const old = new Set(loops.flatMap((loop) => loop.answers.map((answer) => answer.pid)));
    cli.child.kill('SIGHUP');
    await cli.waitForLog('reload finished');
    const since = Date.now();
    const closed = (loop: (typeof loops)[number]): Answer | undefined => loop.answers.find((answer) => answer.close && old.has(answer.pid));
    await waitFor('every connection closed by its old worker', () => (loops.every((loop) => closed(loop) !== undefined) ? true : undefined), 20_000);
    for (const loop of loops) assert.deepEqual(loop.failures, []);
    const keptOpen = loops.map((loop) => loop.answers.filter((answer) => answer.at > since && old.has(answer.pid) && !answer.close).length);
    return { delays: loops.map((loop) => (closed(loop)?.at ?? 0) - since), keptOpen };
  } finally {
    await Promise.all(loops.map((loop) => loop.stop()));
  }
}

describe('reload-spread', () => {
  it('closes the old workers\' keep-alive connections over the window (reload-spread = 3)', async () => {
    const { delays, keptOpen } = await closeDelays('3');
    // 12 moments drawn in 3 s: all within 1 s of one another would be a 1-in-10,000 draw
    assert.ok(Math.max(...delays) - Math.min(...delays) >= 1_000, `closes spread over ${Math.max(...delays) - Math.min(...delays)} ms: ${delays.join(', ')}`);
    assert.ok(keptOpen.some((count) => count >= 2), `no old worker kept serving a connection during the window: ${keptOpen.join(', ')}`);
  });

  it('closes every keep-alive connection at its next response with reload-spread = 0', async () => {
    const { keptOpen } = await closeDelays('0');
    // at most the one answer that was already on its way when the drain came
    assert.ok(keptOpen.every((count) => count <= 1), `old workers kept serving after the switch: ${keptOpen.join(', ')}`);
  });
});
