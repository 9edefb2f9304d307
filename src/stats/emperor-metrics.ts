// The emperor's Prometheus text: one family per vassal-level fact (up, state,
// respawns, uptime, the vassal count), labelled by `vassal`. Built from the
// emperor's statistics document, so a scrape costs no more than the JSON.
import type { EmperorStatsDocument, VassalStatsDocument } from './emperor-document.js';

/** Every state a vassal can show, so `uwemperor_vassal_state` is one-hot over a fixed set. */
export const VASSAL_STATES = ['starting', 'ready', 'failing', 'paused', 'reloading', 'stopping', 'backoff', 'broken', 'stopped'] as const;

type Labels = Readonly<Record<string, string>>;

/** One sample of a family. */
export interface Sample {
  readonly labels: Labels;
  readonly value: number;
}

/** A family in the text exposition format (HELP, TYPE, then one line per sample). */
export function metricFamily(name: string, type: 'gauge' | 'counter', help: string, samples: readonly Sample[]): string {
  const lines = samples.map(({ labels, value }) => `${name}${labelText(labels)} ${formatValue(value)}`);
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines].join('\n') + '\n';
}

function labelText(labels: Labels): string {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}="${value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

function formatValue(value: number): string {
  return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
}

/** 1 when the master answered the statistics request and is ready (or reloading: its old workers serve). */
function isUp(vassal: VassalStatsDocument): number {
  return vassal.answered && (vassal.state === 'ready' || vassal.state === 'reloading') ? 1 : 0;
}

/** The vassal-level families for the whole emperor. */
export function emperorMetrics(doc: EmperorStatsDocument): string {
  const per = (value: (vassal: VassalStatsDocument) => number): Sample[] => doc.vassals.map((vassal) => ({ labels: { vassal: vassal.id }, value: value(vassal) }));
  const states = doc.vassals.flatMap((vassal) => VASSAL_STATES.map((state) => ({ labels: { vassal: vassal.id, state }, value: vassal.state === state ? 1 : 0 })));
  return [
    metricFamily('uwemperor_vassals', 'gauge', 'Vassals the emperor keeps.', [{ labels: {}, value: doc.vassals.length }]),
    metricFamily('uwemperor_vassal_up', 'gauge', '1 when the vassal\'s master answered the statistics request and is ready.', per(isUp)),
    metricFamily('uwemperor_vassal_state', 'gauge', 'The vassal\'s state, one-hot.', states),
    metricFamily('uwemperor_vassal_respawns_total', 'counter', 'Masters started for the vassal after its first.', per((vassal) => vassal.respawns)),
    metricFamily('uwemperor_vassal_uptime_seconds', 'gauge', 'Seconds since the vassal\'s current master was spawned (0 without one).', per((vassal) => (vassal.uptime_ms ?? 0) / 1000)),
    metricFamily('uwemperor_vassal_failures', 'gauge', 'Consecutive failed starts of the vassal.', per((vassal) => vassal.failures)),
  ].join('');
}
