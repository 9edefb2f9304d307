// The emperor's Prometheus families: one per vassal-level fact (up, state,
// respawns, uptime, failures, the vassal count), labelled by `vassal`, plus each
// answering master's own per-master and per-worker families (metrics.ts), all
// from the emperor's statistics document, so a scrape costs no more than the JSON.
import type { EmperorStatsDocument, VassalStatsDocument } from './emperor-document.js';
import { masterMetricFamilies, mergeFamilies, renderMetrics, type MetricFamily } from './metrics.js';

/** Every state a vassal can show, so `uwemperor_vassal_state` is one-hot over a fixed set. */
export const VASSAL_STATES = ['starting', 'ready', 'failing', 'paused', 'reloading', 'stopping', 'backoff', 'broken', 'stopped'] as const;

/** 1 when the master answered the statistics request and is ready (or reloading: its old workers serve). */
function isUp(vassal: VassalStatsDocument): number {
  return vassal.answered && (vassal.state === 'ready' || vassal.state === 'reloading') ? 1 : 0;
}

/** The vassal-level families. */
export function vassalMetricFamilies(doc: EmperorStatsDocument): MetricFamily[] {
  const per = (name: string, type: MetricFamily['type'], help: string, value: (vassal: VassalStatsDocument) => number): MetricFamily => ({
    name,
    type,
    help,
    labelNames: ['vassal'],
    samples: doc.vassals.map((vassal) => ({ labels: { vassal: vassal.id }, value: value(vassal) })),
  });
  const states = doc.vassals.flatMap((vassal) => VASSAL_STATES.map((state) => ({ labels: { vassal: vassal.id, state }, value: vassal.state === state ? 1 : 0 })));
  return [
    { name: 'uwemperor_vassals', type: 'gauge', help: 'Vassals the emperor keeps.', labelNames: [], samples: [{ labels: {}, value: doc.vassals.length }] },
    per('uwemperor_vassal_up', 'gauge', '1 when the vassal\'s master answered the statistics request and is ready.', isUp),
    { name: 'uwemperor_vassal_state', type: 'gauge', help: 'The vassal\'s state, one-hot.', labelNames: ['vassal', 'state'], samples: states },
    per('uwemperor_vassal_respawns_total', 'counter', 'Masters started for the vassal after its first.', (vassal) => vassal.respawns),
    per('uwemperor_vassal_uptime_seconds', 'gauge', 'Seconds since the vassal\'s current master was spawned (0 without one).', (vassal) => (vassal.uptime_ms ?? 0) / 1000),
    per('uwemperor_vassal_last_heartbeat_seconds', 'gauge', 'Epoch seconds of the master\'s last heartbeat (0: none, or no heartbeat option).', (vassal) => vassal.last_heartbeat),
    per('uwemperor_vassal_failures', 'gauge', 'Consecutive failed starts of the vassal.', (vassal) => vassal.failures),
  ];
}

/** The emperor's /metrics: vassal-level families, then every answering master's, labelled with the emperor's vassal id. */
export function emperorMetrics(doc: EmperorStatsDocument): Promise<string> {
  const masters = doc.vassals.flatMap((vassal) => (vassal.stats === null ? [] : [masterMetricFamilies({ ...vassal.stats, vassal: vassal.id })]));
  return renderMetrics(mergeFamilies([vassalMetricFamilies(doc), ...masters]));
}
