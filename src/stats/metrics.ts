// Prometheus metrics from a master's statistics document. Families are plain
// data (pure), so the emperor can put every vassal's together (mergeFamilies)
// and render them once. Rendering uses prom-client, loaded on the first scrape:
// a master nobody scrapes never loads it (it stays out of the bundle).
import type { MasterStatsDocument, WorkerStatsDocument } from './master-document.js';

/** One sample: its labels and value. */
export interface MetricSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metric family: one name, one type, many label sets. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly labelNames: readonly string[];
  readonly samples: readonly MetricSample[];
}

type WorkerPick = (w: WorkerStatsDocument) => number;

const WORKER_METRICS: ReadonlyArray<readonly [string, MetricFamily['type'], string, WorkerPick]> = [
  ['uwemperor_worker_requests_total', 'counter', 'Requests the worker answered (module workers).', (w) => w.requests],
  ['uwemperor_worker_exceptions_total', 'counter', 'Requests whose handler threw or rejected (module workers).', (w) => w.exceptions],
  ['uwemperor_worker_tx_bytes_total', 'counter', 'Bytes the worker sent to clients (module workers).', (w) => w.tx],
  ['uwemperor_worker_rss_bytes', 'gauge', 'Resident memory of the worker process.', (w) => w.rss],
  ['uwemperor_worker_respawns_total', 'counter', 'Times the worker slot was respawned.', (w) => w.respawn_count],
  ['uwemperor_worker_avg_response_seconds', 'gauge', 'Running average response time (each response weighs half, as uWSGI avg_rt).', (w) => w.avg_rt / 1e6],
  ['uwemperor_worker_in_flight', 'gauge', 'Requests being answered now.', (w) => w.in_flight],
  ['uwemperor_worker_busy', 'gauge', '1 while the worker answers a request.', (w) => (w.status === 'busy' ? 1 : 0)],
];

/** The families of one master: per worker of the current generation, per master, per socket. */
export function masterMetricFamilies(doc: MasterStatsDocument): MetricFamily[] {
  const vassal = doc.vassal;
  // one generation, so each worker id is one label set (during a reload the next one is still starting)
  const workers = doc.workers.filter((w) => w.generation === doc.generation);
  const perWorker = WORKER_METRICS.map(([name, type, help, pick]): MetricFamily => ({
    name,
    type,
    help,
    labelNames: ['vassal', 'worker'],
    samples: workers.map((w) => ({ labels: { vassal, worker: String(w.id) }, value: pick(w) })),
  }));
  const master = (name: string, type: MetricFamily['type'], help: string, value: number): MetricFamily => ({
    name,
    type,
    help,
    labelNames: ['vassal'],
    samples: [{ labels: { vassal }, value }],
  });
  const socket = (name: string, help: string, pick: (s: MasterStatsDocument['sockets'][number]) => number): MetricFamily => ({
    name,
    type: 'gauge',
    help,
    labelNames: ['vassal', 'socket'],
    samples: doc.sockets.map((s) => ({ labels: { vassal, socket: s.name }, value: pick(s) })),
  });
  return [
    ...perWorker,
    master('uwemperor_master_requests_total', 'counter', 'Requests answered by every worker since the master started, across reloads.', doc.total_requests),
    master('uwemperor_master_exceptions_total', 'counter', 'Exceptions over every worker since the master started, across reloads.', doc.total_exceptions),
    master('uwemperor_master_rss_bytes', 'gauge', 'Resident memory of the master process.', doc.master_rss),
    master('uwemperor_listen_queue', 'gauge', 'Connections waiting to be accepted, over every socket.', doc.listen_queue),
    socket('uwemperor_socket_queue', 'Connections waiting in the socket\'s accept queue (0 for UNIX sockets: not readable).', (s) => s.queue),
    socket('uwemperor_socket_queue_max', 'The socket\'s accept queue limit.', (s) => s.max_queue),
  ];
}

/** Families of several sources, those with one name put together (their label sets must differ). */
export function mergeFamilies(lists: readonly (readonly MetricFamily[])[]): MetricFamily[] {
  const byName = new Map<string, MetricFamily>();
  for (const family of lists.flat()) {
    const known = byName.get(family.name);
    byName.set(family.name, known === undefined ? family : { ...known, samples: [...known.samples, ...family.samples] });
  }
  return [...byName.values()];
}

/** The Prometheus text exposition of `families`. */
export async function renderMetrics(families: readonly MetricFamily[]): Promise<string> {
  const { Registry, Counter, Gauge } = await import('prom-client');
  const registry = new Registry();
  for (const family of families) {
    const config = { name: family.name, help: family.help, labelNames: [...family.labelNames], registers: [registry] };
    if (family.type === 'counter') {
      const counter = new Counter(config);
      for (const sample of family.samples) counter.inc(sample.labels, sample.value);
    } else {
      const gauge = new Gauge(config);
      for (const sample of family.samples) gauge.set(sample.labels, sample.value);
    }
  }
  return registry.metrics();
}
