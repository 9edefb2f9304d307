import assert from 'node:assert/strict';
import { test } from 'node:test';
import { masterDocument, type WorkerFacts } from '../../src/master/stats-document.js';
import { statsLines } from '../../src/master/stats.js';

const activity = (requests: number, inflight: number, extra: object = {}) => ({ requests, exceptions: 1, tx: 100 * requests, avgRtUs: 250, runningTimeUs: 1000, inflight, ...extra });
const worker = (over: Partial<WorkerFacts>): WorkerFacts => ({
  id: 1, pid: 101, generation: 3, state: 'ready', kind: 'module', paused: false, spawnedAt: 0, respawns: 0, harakiris: 0,
  activity: null, previousRequests: 0, memory: { rss: 1000, vsz: 9000 }, ...over,
});

const doc = masterDocument({
  version: '1.2.3', vassal: 'app.ini', pid: 100, uid: 1, gid: 2, cwd: '/srv', generation: 3, paused: false, masterRss: 500, startedAt: 5_000,
  sockets: [{ name: '127.0.0.1:80', proto: 'http', queue: 2, max_queue: 511, shared: 0, can_offload: 0 }, { name: '/s', proto: 'uwsgi', queue: 1, max_queue: 4096, shared: 0, can_offload: 0 }],
  workers: [
    worker({ activity: activity(5, 1, { current: { request: 'GET /slow', since: 1_000 } }), previousRequests: 3 }),
    worker({ id: 2, pid: 102, respawns: 1, activity: activity(2, 0), memory: { rss: 2000, vsz: 9000 } }),
    worker({ id: 3, pid: null, state: 'exited', memory: null }),
    worker({ id: 1, pid: 104, generation: 3, kind: 'exec', paused: true }),
  ],
  retired: { requests: 10, exceptions: 4 },
});

test('document: uWSGI words and units, totals with the retired workers, exec workers not counted', () => {
  assert.deepEqual(doc.workers.map((w) => w.status), ['busy', 'idle', 'cheap', 'pause']);
  assert.equal(doc.workers[0]?.delta_requests, 2);
  assert.deepEqual(doc.workers[0]?.current_request, { request: 'GET /slow', since_ms: 1_000 });
  assert.equal(doc.workers[2]?.pid, 0);
  assert.equal(doc.workers[3]?.counted, false);
  assert.equal(doc.workers[3]?.accepting, 0);
  assert.equal(doc.total_requests, 17);
  assert.equal(doc.total_exceptions, 6);
  assert.equal(doc.listen_queue, 3);
  assert.equal(doc.load, 1);
  assert.equal(doc.started, 5);
});

test('SIGUSR1 lines: the worker\'s pid as workerPid only, ISO times, totals and the master\'s RSS apart', () => {
  const lines = statsLines('stats', doc);
  assert.deepEqual(lines.map((line) => line.msg), ['worker stats', 'worker stats', 'worker stats', 'worker stats', 'stats']);
  assert.deepEqual(lines[0]?.fields, {
    worker: 1, workerPid: 101, generation: 3, since: '1970-01-01T00:00:00.000Z', request: 'GET /slow', requestSince: '1970-01-01T00:00:01.000Z',
    status: 'busy', state: 'ready', requests: 5, exceptions: 1, inflight: 1, tx: 500, avgRtUs: 250, rssBytes: 1000, respawns: 0,
  });
  assert.equal('requests' in (lines[3]?.fields ?? {}), false, 'an exec worker has no counts');
  assert.deepEqual(lines[4]?.fields, { generation: 3, paused: false, workers: 4, requests: 17, exceptions: 6, rssBytes: 4000, respawns: 1, listenQueue: 3, masterRssBytes: 500 });
  for (const line of lines) assert.ok(!('pid' in line.fields), `${line.msg} leaves pid to pino's base`);
});

test('SIGUSR2 lines: what each worker does, with the same fields and formats', () => {
  const lines = statsLines('status', doc);
  assert.deepEqual(lines[1]?.fields, { worker: 2, workerPid: 102, generation: 3, since: '1970-01-01T00:00:00.000Z', status: 'idle', state: 'ready' });
});
