import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MasterStats } from '../../src/ipc/protocol.js';
import { statsLines } from '../../src/master/stats.js';

const stats: MasterStats = {
  vassal: 'app.ini',
  pid: 100,
  generation: 3,
  paused: false,
  workers: [
    { id: 1, pid: 101, generation: 3, status: 'busy', since: 0, requests: 5, inflight: 1, rssBytes: 1000, respawns: 0, current: { request: 'GET /slow', since: 1_000 } },
    { id: 2, pid: 102, generation: 3, status: 'idle', since: 0, requests: 2, inflight: 0, rssBytes: 2000, respawns: 1 },
  ],
  totals: { requests: 7, rssBytes: 3000, respawns: 1 },
  masterRssBytes: 500,
};

test('SIGUSR1 lines: the worker\'s pid as workerPid only, ISO times, totals and the master\'s RSS apart', () => {
  const lines = statsLines('stats', stats);
  assert.deepEqual(lines.map((line) => line.msg), ['worker stats', 'worker stats', 'stats']);
  assert.deepEqual(lines[0]?.fields, {
    worker: 1, workerPid: 101, generation: 3, since: '1970-01-01T00:00:00.000Z', request: 'GET /slow', requestSince: '1970-01-01T00:00:01.000Z',
    status: 'busy', requests: 5, inflight: 1, rssBytes: 1000, respawns: 0,
  });
  assert.deepEqual(lines[2]?.fields, { generation: 3, paused: false, workers: 2, requests: 7, rssBytes: 3000, respawns: 1, masterRssBytes: 500 });
  for (const line of lines) assert.ok(!('pid' in line.fields), `${line.msg} leaves pid to pino's base`);
});

test('SIGUSR2 lines: what each worker does, with the same fields and formats', () => {
  const lines = statsLines('status', stats);
  assert.deepEqual(lines.map((line) => line.fields), [
    { worker: 1, workerPid: 101, generation: 3, since: '1970-01-01T00:00:00.000Z', request: 'GET /slow', requestSince: '1970-01-01T00:00:01.000Z', status: 'busy' },
    { worker: 2, workerPid: 102, generation: 3, since: '1970-01-01T00:00:00.000Z', status: 'idle' },
  ]);
});
