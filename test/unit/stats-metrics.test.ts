// Metric families of several masters merge into one exposition that a
// Prometheus parser reads (the emperor's /metrics renders every vassal's).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import parsePrometheus from 'parse-prometheus-text-format';
import { masterDocument } from '../../src/master/stats-document.js';
import { masterMetricFamilies, mergeFamilies, renderMetrics } from '../../src/stats/metrics.js';

const doc = (vassal: string, requests: number) =>
  masterDocument({
    version: '0', vassal, pid: 1, uid: 0, gid: 0, cwd: '/', generation: 2, paused: false, masterRss: 10, startedAt: 0,
    sockets: [{ name: '127.0.0.1:80', proto: 'http', queue: 3, max_queue: 128, shared: 0, can_offload: 0 }],
    workers: [
      { id: 1, pid: 5, generation: 2, state: 'ready', kind: 'module', paused: false, spawnedAt: 0, respawns: 0, harakiris: 0, previousRequests: 0, memory: { rss: 7, vsz: 9 },
        activity: { requests, exceptions: 0, tx: 1, avgRtUs: 1500, runningTimeUs: 1, inflight: 1 } },
      // a draining worker of the previous generation: not a second label set for worker 1
      { id: 1, pid: 4, generation: 1, state: 'draining', kind: 'module', paused: false, spawnedAt: 0, respawns: 0, harakiris: 0, previousRequests: 0, memory: null, activity: null },
    ],
    retired: { requests: 100, exceptions: 0 },
  });

test('two masters\' families merge by name and render as parseable Prometheus text', async () => {
  const text = await renderMetrics(mergeFamilies([masterMetricFamilies(doc('a.ini', 4)), masterMetricFamilies(doc('b.ini', 6))]));
  const families = new Map(parsePrometheus(text).map((family) => [family.name, family]));
  const values = (name: string) => families.get(name)?.metrics.map((m) => [m.labels, Number(m.value)]);
  assert.deepEqual(values('uwemperor_worker_requests_total'), [[{ vassal: 'a.ini', worker: '1' }, 4], [{ vassal: 'b.ini', worker: '1' }, 6]]);
  assert.deepEqual(values('uwemperor_master_requests_total'), [[{ vassal: 'a.ini' }, 104], [{ vassal: 'b.ini' }, 106]]);
  assert.deepEqual(values('uwemperor_worker_busy'), [[{ vassal: 'a.ini', worker: '1' }, 1], [{ vassal: 'b.ini', worker: '1' }, 1]]);
  assert.deepEqual(values('uwemperor_worker_avg_response_seconds')?.[0], [{ vassal: 'a.ini', worker: '1' }, 0.0015]);
  assert.deepEqual(values('uwemperor_socket_queue_max'), [[{ vassal: 'a.ini', socket: '127.0.0.1:80' }, 128], [{ vassal: 'b.ini', socket: '127.0.0.1:80' }, 128]]);
  assert.equal(families.get('uwemperor_master_requests_total')?.type, 'COUNTER');
});
