// A vassal's entry in the emperor's document: uWSGI's times in epoch seconds
// from the vassal's history, and ours (retry_in_ms, answered, stats).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { vassalDocument } from '../../src/emperor/stats-vassal-document.js';
import { VassalHistory } from '../../src/emperor/stats-vassal-history.js';
import type { VassalStatus } from '../../src/emperor/vassal.js';
import { masterDocument, workerDocument } from '../helpers/master-document.js';

const status = (fields: Partial<VassalStatus>): VassalStatus => ({ vassal: 'app.ini', state: 'ready', masterPid: 42, uptimeMs: 0, stateForMs: 0, failures: 0, error: null, reloadFailed: null, ...fields });

test('a master respawned after a crash: first_run stays, born and last_run move, respawns counts, loyal waits for ready', () => {
  const history = new VassalHistory();
  history.spawned(10_000);
  history.entered('ready', 11_000);
  history.spawned(20_000);
  const starting = vassalDocument({ status: status({ state: 'starting', masterPid: 43 }), history: history.snapshot(), lastModMs: 5_500, monitor: '/v', stats: null, nowMs: 20_500 });
  assert.deepEqual(
    [starting.first_run, starting.born, starting.last_run, starting.respawns, starting.loyal, starting.ready, starting.last_ready, starting.last_mod, starting.answered],
    [10, 20, 20, 1, 0, 0, 11, 5, false],
  );
  history.entered('ready', 21_000);
  const stats = masterDocument({ pid: 43, workers: [workerDocument({ accepting: 1 })] });
  const ready = vassalDocument({ status: status({ masterPid: 43 }), history: history.snapshot(), lastModMs: 5_500, monitor: '/v', stats, nowMs: 21_500 });
  assert.deepEqual([ready.loyal, ready.ready, ready.accepting, ready.last_loyal, ready.answered, ready.stats], [1, 1, 1, 21, true, stats]);
});

test('backing off: retry_in_ms counts down to the next start, and is gone once it starts', () => {
  const history = new VassalHistory();
  history.spawned(0);
  history.entered('backoff', 1_000);
  history.backingOff(1_000, 4_000);
  const doc = vassalDocument({ status: status({ state: 'backoff', masterPid: null, failures: 3 }), history: history.snapshot(), lastModMs: 0, monitor: '/v', stats: null, nowMs: 2_500 });
  assert.deepEqual([doc.retry_in_ms, doc.pid, doc.born, doc.failures], [2_500, 0, 0, 3]);
  history.entered('starting', 5_000);
  assert.equal(history.snapshot().retryAtMs, null);
});
