import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parkThreadPool, restoreThreadPool, workerNodeFlags } from '../../src/process/thread-pools.js';

describe('thread pools of masters and workers', () => {
  it("gives the master a libuv pool of one and hands the user's size on to the workers", () => {
    const master = parkThreadPool({ PATH: '/bin', UV_THREADPOOL_SIZE: '16' });
    assert.deepEqual(master, { PATH: '/bin', UV_THREADPOOL_SIZE: '1', UW_WORKER_UV_THREADPOOL_SIZE: '16' });
    assert.deepEqual(restoreThreadPool(master), { PATH: '/bin', UV_THREADPOOL_SIZE: '16' });
  });

  it("leaves the workers Node's default when the emperor had none", () => {
    const master = parkThreadPool({ PATH: '/bin' });
    assert.deepEqual(master, { PATH: '/bin', UV_THREADPOOL_SIZE: '1', UW_WORKER_UV_THREADPOOL_SIZE: '' });
    assert.deepEqual(restoreThreadPool(master), { PATH: '/bin' });
  });

  it("leaves a standalone master's environment as it is", () => {
    const env = { PATH: '/bin', UV_THREADPOOL_SIZE: '1' };
    assert.equal(restoreThreadPool(env), env);
  });

  it('gives a worker one V8 platform thread unless asked for the defaults or node-args sets the size', () => {
    assert.deepEqual(workerNodeFlags(false), ['--v8-pool-size=1']);
    assert.deepEqual(workerNodeFlags(true), []);
    assert.deepEqual(workerNodeFlags(false, ['--v8-pool-size=8']), []);
    assert.deepEqual(workerNodeFlags(false, ['--max-old-space-size=512']), ['--v8-pool-size=1']);
  });
});
