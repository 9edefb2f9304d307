// Concurrent collections share one: however many scrapes arrive together, each
// worker is asked for its counters once; the next collection asks again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WorkerActivity } from '../../src/ipc/protocol.js';
import { StatsCollector } from '../../src/master/stats-collector.js';
import type { WorkerPool } from '../../src/master/worker-pool.js';
import type { Worker } from '../../src/master/worker.js';

function fakeWorker(id: number): Worker & { asked: number } {
  const worker = {
    id, pid: process.pid, generation: 1, status: 'ready', isModule: true, paused: false, spawnedAt: 0, lastActivity: null as WorkerActivity | null, asked: 0,
    activity(): Promise<WorkerActivity> {
      worker.asked += 1;
      worker.lastActivity = { requests: worker.asked, exceptions: 0, tx: 0, avgRtUs: 0, runningTimeUs: 0, inflight: 0 };
      return new Promise((resolve) => setTimeout(() => resolve(worker.lastActivity as WorkerActivity), 20));
    },
  };
  return worker as unknown as Worker & { asked: number };
}

test('a thousand concurrent collections ask each worker once', async () => {
  const workers = [fakeWorker(1), fakeWorker(2)];
  const pool = { generation: 1, paused: false, retired: { requests: 0, exceptions: 0 }, slotViews: () => workers.map((worker) => ({ id: worker.id, worker, respawns: 0 })), current: () => workers, others: () => [] };
  const collector = new StatsCollector({ vassal: () => 'app.ini', pool: pool as unknown as WorkerPool, sockets: () => [], backlog: () => 511, kind: () => 'module', startedAt: 0 });
  const docs = await Promise.all(Array.from({ length: 1_000 }, () => collector.collect()));
  assert.deepEqual(workers.map((w) => w.asked), [1, 1]);
  assert.ok(docs.every((doc) => doc === docs[0]), 'one document for all');
  assert.equal(docs[0]?.total_requests, 2);
  await collector.collect();
  assert.deepEqual(workers.map((w) => w.asked), [2, 2], 'a later collection is fresh');
});
