// The emperor's vassal-level Prometheus families, read back with a real parser.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emperorMetrics, VASSAL_STATES } from '../../src/stats/emperor-metrics.js';
import type { EmperorStatsDocument, VassalStatsDocument } from '../../src/stats/emperor-document.js';
import { parsePrometheus, sampleOf } from '../helpers/prometheus.js';

const vassal = (id: string, state: string, answered: boolean): VassalStatsDocument =>
  ({ id, state, answered, stats: null, ready: state === 'ready' ? 1 : 0, respawns: 3, uptime_ms: 1500, failures: 0, last_heartbeat: answered ? 1_800_000_000 : 0 }) as unknown as VassalStatsDocument;

test('up, one-hot state, respawns, uptime and the count; label values escaped', async () => {
  const doc = { vassals: [vassal('a.ini', 'ready', true), vassal('b"\\\n.ini', 'broken', false)] } as unknown as EmperorStatsDocument;
  const families = parsePrometheus(await emperorMetrics(doc));
  assert.equal(sampleOf(families, 'uwemperor_vassals', {}), 2);
  assert.equal(sampleOf(families, 'uwemperor_vassal_up', { vassal: 'a.ini' }), 1);
  assert.equal(sampleOf(families, 'uwemperor_vassal_up', { vassal: 'b"\\\n.ini' }), 0);
  const states = families.find((family) => family.name === 'uwemperor_vassal_state')?.metrics ?? [];
  assert.equal(states.length, 2 * VASSAL_STATES.length);
  assert.equal(sampleOf(families, 'uwemperor_vassal_state', { vassal: 'b"\\\n.ini', state: 'broken' }), 1);
  assert.equal(states.filter((m) => m.labels.vassal === 'a.ini' && Number(m.value) === 1).length, 1);
  assert.equal(sampleOf(families, 'uwemperor_vassal_respawns_total', { vassal: 'a.ini' }), 3);
  assert.equal(sampleOf(families, 'uwemperor_vassal_uptime_seconds', { vassal: 'a.ini' }), 1.5);
  assert.equal(sampleOf(families, 'uwemperor_vassal_last_heartbeat_seconds', { vassal: 'a.ini' }), 1_800_000_000);
  assert.equal(sampleOf(families, 'uwemperor_vassal_last_heartbeat_seconds', { vassal: 'b"\\\n.ini' }), 0);
});
