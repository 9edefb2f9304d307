// ready-timeout counts only while a worker runs: a worker paused (SIGTSTP on the
// master) while it starts is not killed for the time it spent stopped. A real
// worker process (an exec program that never says READY=1); the master's timer
// runs on Node's mock clock so that no test waits out a timeout.
import assert from 'node:assert/strict';
import { after, mock, test } from 'node:test';
import { argvToSources } from '../../src/config/argv.js';
import { loadConfig } from '../../src/config/load.js';
import { Worker } from '../../src/master/worker.js';

const workers: Worker[] = [];
after(async () => {
  mock.timers.reset();
  await Promise.all(workers.map((worker) => worker.stop('stop', 'SIGKILL', 0)));
});

test('a pause stops the ready-timeout clock; the resume starts it again', async () => {
  const config = await loadConfig({ sources: argvToSources(['--exec', 'sleep 30', '--ready-timeout', '2']), cwd: '/', env: { PATH: '/usr/bin:/bin' } });
  mock.timers.enable({ apis: ['setTimeout'] });
  const worker = new Worker(1, 1, config, []);
  workers.push(worker);
  assert.notEqual(worker.pid, null);
  worker.pause();
  mock.timers.tick(5_000);
  assert.equal(worker.endReason, null, 'killed for the time it was paused');
  worker.resume();
  mock.timers.tick(1_999);
  assert.equal(worker.endReason, null);
  mock.timers.tick(1);
  assert.equal(worker.endReason, 'ready-timeout', 'a running worker that never gets ready is still killed');
  mock.timers.reset();
  assert.deepEqual(await worker.exited, { code: null, signal: 'SIGKILL' });
});
