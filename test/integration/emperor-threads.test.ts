// Threads per process under the emperor, counted in /proc/PID/task (each takes
// a PID, so they bound how many vassals fit under pid_max): a master at most 6,
// a Node worker at most 8 by default; node-default-threads gives the worker
// Node's own pools back, and a UV_THREADPOOL_SIZE given to the emperor reaches
// the workers, not the masters.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { freePort } from '../helpers/free-port.js';
import { tryGet } from '../helpers/http-client.js';
import { FIXTURES } from '../helpers/paths.js';
import { childrenOf, waitFor } from '../helpers/wait-for.js';
import { startEmperor, useVassalDirs, waitForState } from './emperor-harness.js';

const APP = `${FIXTURES}emperor/app.mjs`;
const newDir = useVassalDirs();

const threads = (pid: number): number => readdirSync(`/proc/${pid}/task`).length;
const environ = (pid: number): string[] => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');

/** Start one 1-worker vassal with `extra` options; its master and worker PIDs once it has served a request. */
async function vassal(extra: string, env: NodeJS.ProcessEnv = process.env): Promise<{ master: number; worker: number }> {
  const dir = newDir();
  const port = await freePort();
  dir.write('app.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${APP}\nprocesses = 1\n${extra}`);
  const emperor = startEmperor([dir.path], { fake: false, env });
  const ready = await waitForState(emperor, 'app.ini', 'ready');
  await waitFor(`127.0.0.1:${port} to answer`, async () => ((await tryGet({ port }))?.status === 200 ? true : undefined), 15_000);
  const master = Number(ready.masterPid);
  const [worker] = childrenOf(master);
  assert.ok(worker !== undefined, 'the master has a worker');
  return { master, worker };
}

describe('threads per process under the emperor', () => {
  test('a master runs at most 6 threads and a module worker at most 8', async () => {
    const { master, worker } = await vassal('');
    assert.ok(threads(master) <= 6, `master: expected at most 6 threads, got ${threads(master)}`);
    assert.ok(threads(worker) <= 8, `worker: expected at most 8 threads, got ${threads(worker)}`);
    assert.ok(!environ(worker).some((entry) => entry.startsWith('UV_THREADPOOL_SIZE=')), "the worker's libuv pool is Node's default");
  });

  test("node-default-threads gives the worker Node's pools; the emperor's UV_THREADPOOL_SIZE reaches the worker, not the master", async () => {
    const { master, worker } = await vassal('node-default-threads = true\n', { ...process.env, UV_THREADPOOL_SIZE: '3' });
    assert.ok(threads(master) <= 6, `master: expected at most 6 threads, got ${threads(master)}`);
    assert.ok(environ(master).includes('UV_THREADPOOL_SIZE=1'), 'the master runs a libuv pool of one thread');
    assert.ok(environ(worker).includes('UV_THREADPOOL_SIZE=3'), "the worker gets the emperor's UV_THREADPOOL_SIZE");
    // main + 4 V8 platform threads + V8's delayed-task runner + the SIGUSR1 inspector thread + 3 libuv threads
    assert.ok(threads(worker) >= 10, `worker: expected Node's 4 V8 platform threads (10 in all), got ${threads(worker)}`);
  });
});
