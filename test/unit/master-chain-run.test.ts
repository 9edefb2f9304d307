import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { runChain, type ChainHost } from '../../src/master/chain-reload.js';
import type { Worker } from '../../src/master/worker.js';

/** A replacement whose readiness the test decides. */
interface FakeWorker {
  readonly pid: number;
  readonly ready: Promise<void>;
  becomeReady(): void;
  fail(reason: string): void;
}

function fakeWorker(pid: number): FakeWorker {
  let resolve = (): void => undefined;
  let reject = (_err: Error): void => undefined;
  const ready = new Promise<void>((ok, ko) => {
    resolve = ok;
    reject = ko;
  });
  ready.catch(() => undefined);
  return { pid, ready, becomeReady: () => resolve(), fail: (reason) => reject(new Error(reason)) };
}

/** A pool of `slots` as the chain sees it; every call is recorded in `calls`. */
function fakeHost(slots: number) {
  const calls: string[] = [];
  const booted: FakeWorker[] = [];
  let settle = (): void => undefined;
  let stopping = false;
  const host: ChainHost = {
    order: Array.from({ length: slots }, (_, index) => index),
    generation: 2,
    log: pino({ level: 'silent' }),
    settled: () => {
      calls.push('settle?');
      return new Promise((resolve) => (settle = resolve));
    },
    boot: (slot) => {
      calls.push(`boot ${slot}`);
      const worker = fakeWorker(100 + slot);
      booted.push(worker);
      return worker as unknown as Worker;
    },
    swap: (slot, worker) => {
      calls.push(`swap ${slot} ${String(worker.pid)}`);
      return 10 + slot;
    },
    discard: (worker) => void calls.push(`discard ${String(worker.pid)}`),
    stopping: () => stopping,
  };
  const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  return { host, calls, booted, tick, settle: () => settle(), stop: () => (stopping = true) };
}

describe('chain reload run', () => {
  it('waits for the pool to settle before each boot, and swaps a replacement only once it is ready', async () => {
    const pool = fakeHost(2);
    const outcome = runChain(pool.host);
    await pool.tick();
    assert.deepEqual(pool.calls, ['settle?']);
    pool.settle();
    await pool.tick();
    assert.deepEqual(pool.calls, ['settle?', 'boot 0']);
    pool.booted[0]?.becomeReady();
    await pool.tick();
    assert.deepEqual(pool.calls, ['settle?', 'boot 0', 'swap 0 100', 'settle?']);
    pool.settle();
    await pool.tick();
    pool.booted[1]?.becomeReady();
    assert.deepEqual(await outcome, { ok: true });
    assert.deepEqual(pool.calls, ['settle?', 'boot 0', 'swap 0 100', 'settle?', 'boot 1', 'swap 1 101']);
  });

  it('stops at a replacement that fails, with its reason, and discards it', async () => {
    const pool = fakeHost(3);
    const outcome = runChain(pool.host);
    await pool.tick();
    pool.settle();
    await pool.tick();
    pool.booted[0]?.fail('worker 1 exited with code 1 before it was ready');
    assert.deepEqual(await outcome, { ok: false, reason: 'worker 1 exited with code 1 before it was ready' });
    assert.deepEqual(pool.calls, ['settle?', 'boot 0', 'discard 100']);
  });

  it('ends when the master stops, whatever the replacement does next', async () => {
    const pool = fakeHost(2);
    const outcome = runChain(pool.host);
    await pool.tick();
    pool.settle();
    await pool.tick();
    pool.stop();
    pool.booted[0]?.becomeReady();
    assert.deepEqual(await outcome, { ok: false, reason: 'the master is stopping' });
    assert.deepEqual(pool.calls, ['settle?', 'boot 0', 'discard 100']);
  });
});
