// A graceful reload boots its new workers a few at a time: the next one starts
// only when one of those booting is ready, and nothing more starts after a
// failure or once the master is stopping.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bootInTurns } from '../../src/master/boot-in-turns.js';

interface FakeWorker {
  readonly index: number;
  readonly ready: Promise<void>;
  resolve(): void;
  reject(err: Error): void;
}

/** Workers that become ready (or fail) when the test says; `events` records starts and readiness in order. */
function fleet(): { start: (index: number) => FakeWorker; workers: FakeWorker[]; events: string[] } {
  const workers: FakeWorker[] = [];
  const events: string[] = [];
  const start = (index: number): FakeWorker => {
    let resolve = (): void => undefined;
    let reject = (_err: Error): void => undefined;
    const ready = new Promise<void>((yes, no) => {
      resolve = () => {
        events.push(`ready ${index}`);
        yes();
      };
      reject = no;
    });
    const worker = { index, ready, resolve, reject };
    workers.push(worker);
    events.push(`start ${index}`);
    return worker;
  };
  return { start, workers, events };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('bootInTurns', () => {
  it('with limit 0 starts every worker at once', async () => {
    const { start, workers, events } = fleet();
    const done = bootInTurns(3, 0, start, [], () => true);
    assert.deepEqual(events, ['start 0', 'start 1', 'start 2']);
    for (const worker of workers) worker.resolve();
    await done;
  });

  it('with limit 1 starts the next worker only once the previous one is ready', async () => {
    const { start, workers, events } = fleet();
    const started: FakeWorker[] = [];
    const done = bootInTurns(3, 1, start, started, () => true);
    for (let i = 0; i < 3; i++) {
      await turn();
      assert.equal(workers.length, i + 1, `worker ${i} booting alone`);
      workers[i]?.resolve();
    }
    await done;
    assert.deepEqual(events, ['start 0', 'ready 0', 'start 1', 'ready 1', 'start 2', 'ready 2']);
    assert.equal(started.length, 3);
  });

  it('with limit 2 keeps two booting until the last', async () => {
    const { start, workers } = fleet();
    const done = bootInTurns(4, 2, start, [], () => true);
    assert.equal(workers.length, 2);
    workers[1]?.resolve();
    await turn();
    assert.equal(workers.length, 3);
    for (const worker of workers.slice(0)) worker.resolve();
    await turn();
    for (const worker of workers) worker.resolve();
    await done;
    assert.equal(workers.length, 4);
  });

  it('stops at the first failure: it rejects and starts no other worker', async () => {
    const { start, workers } = fleet();
    const started: FakeWorker[] = [];
    const done = bootInTurns(3, 2, start, started, () => true);
    workers[0]?.reject(new Error('worker 1 exited before ready'));
    await assert.rejects(done, /exited before ready/);
    workers[1]?.resolve();
    await turn();
    assert.equal(workers.length, 2, 'no third worker after the failure');
    assert.equal(started.length, 2, 'the caller gets every worker started, to stop them');
  });

  it('starts nothing more once the master is stopping', async () => {
    const { start, workers } = fleet();
    let stopping = false;
    const done = bootInTurns(2, 1, start, [], () => !stopping);
    stopping = true;
    workers[0]?.resolve();
    await assert.rejects(done, /stopping/);
    assert.equal(workers.length, 1);
  });
});
