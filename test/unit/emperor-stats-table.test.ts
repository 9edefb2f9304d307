// SIGUSR1's aggregated table: figures per vassal, requests/s from the previous
// look, `no answer` for a silent master, and totals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatusTable } from '../../src/emperor/stats-table.js';
import type { EmperorStatsDocument, VassalStatsDocument } from '../../src/stats/emperor-document.js';
import { masterDocument, workerDocument } from '../helpers/master-document.js';

function vassal(id: string, requests: number | null, pid = 42): VassalStatsDocument {
  const stats =
    requests === null
      ? null
      : masterDocument({ vassal: id, pid, workers: [workerDocument({ id: 1, requests, respawn_count: 2 }), workerDocument({ id: 2, pid: 44, accepting: 0, status: 'cheap', state: 'starting' })] });
  return { id, pid, state: 'ready', answered: stats !== null, stats, respawns: 1, uptime_ms: 10, failures: 0, error: null, reload_failed: null, retry_in_ms: null } as unknown as VassalStatsDocument;
}

const doc = (at: number, vassals: VassalStatsDocument[]): EmperorStatsDocument => ({ collected_ms: at, vassals }) as unknown as EmperorStatsDocument;

test('one line per vassal with figures, requests/s since the previous look, no answer for a silent master, then totals', () => {
  const table = new StatusTable();
  const first = table.lines(doc(1_000, [vassal('a.ini', 10), vassal('hung.ini', null)]));
  assert.equal(first[0]?.fields.requestsPerSec, null, 'no previous look');
  const lines = table.lines(doc(3_000, [vassal('a.ini', 30), vassal('hung.ini', null)]));
  assert.deepEqual(lines.map((line) => line.msg), ['vassal status', 'vassal status', 'emperor status']);
  const [a, hung, totals] = lines.map((line) => line.fields);
  assert.equal(a?.workers, '1/2');
  assert.equal(a?.requests, 30);
  assert.equal(a?.requestsPerSec, 10);
  assert.equal(a?.rssBytes, 2500);
  assert.equal(a?.workerRespawns, 2);
  assert.equal(a?.respawns, 1);
  assert.equal(hung?.stats, 'no answer');
  assert.equal(hung?.answered, false);
  assert.equal(hung?.requests, undefined);
  assert.equal(totals?.vassals, 2);
  assert.equal(totals?.requests, 30);
  assert.deepEqual(totals?.noAnswer, ['hung.ini']);
  assert.equal(totals?.workers, '1/2');
});

test('a new master (another pid) starts its rate afresh', () => {
  const table = new StatusTable();
  table.lines(doc(1_000, [vassal('a.ini', 10, 42)]));
  const [a] = table.lines(doc(2_000, [vassal('a.ini', 3, 77)]));
  assert.equal(a?.fields.requestsPerSec, null);
});
