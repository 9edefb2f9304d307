// The soak part's figures: RSS and descriptor samples of the emperor and the
// master against the reload count, their start, end and least-squares slope
// per 1,000 reloads, and the table and target rows for RESULTS.
import { fmt, int, table } from './lib/format.js';
import type { LoadResult } from './lib/load-types.js';
import type { PartReport, TargetRow } from './lib/report.js';

/** One sample of the emperor and the master. */
export interface SoakSample {
  /** reloads finished when it was taken */
  readonly reloads: number;
  readonly emperorRssKb: number;
  readonly emperorFds: number;
  readonly masterRssKb: number;
  readonly masterFds: number;
  /** V8's heap as reserved (process.memoryUsage().heapTotal, from lib/heap-probe.ts): the part of the RSS that is the JS heap */
  readonly emperorHeapKb: number;
  readonly masterHeapKb: number;
  /** live JS heap after a full GC (heapUsed right after gc()): flat unless something is kept per reload */
  readonly emperorLiveKb: number;
  readonly masterLiveKb: number;
}

/** What the soak measured. */
export interface SoakResult {
  readonly asked: number;
  readonly done: number;
  readonly touches: number;
  readonly failedReloads: number;
  readonly elapsedMs: number;
  readonly samples: readonly SoakSample[];
  readonly loads: readonly { readonly mode: string; readonly result: LoadResult }[];
  readonly rate: number;
}

type Metric = Exclude<keyof SoakSample, 'reloads'>;

/** Least-squares slope of `metric` against the reload count, per 1,000 reloads. */
export function slopePer1000(samples: readonly SoakSample[], metric: Metric): number {
  const n = samples.length;
  if (n < 2) return Number.NaN;
  const xs = samples.map((s) => s.reloads / 1_000);
  const ys = samples.map((s) => s[metric]);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] ?? 0) - mx;
    num += dx * ((ys[i] ?? 0) - my);
    den += dx * dx;
  }
  return den === 0 ? Number.NaN : num / den;
}

const ROWS: readonly { readonly label: string; readonly metric: Metric; readonly unit: 'MiB' | 'fds' }[] = [
  { label: 'emperor RSS', metric: 'emperorRssKb', unit: 'MiB' },
  { label: 'emperor V8 heap (reserved)', metric: 'emperorHeapKb', unit: 'MiB' },
  { label: 'emperor live JS heap (after a full GC)', metric: 'emperorLiveKb', unit: 'MiB' },
  { label: 'emperor descriptors', metric: 'emperorFds', unit: 'fds' },
  { label: 'master RSS', metric: 'masterRssKb', unit: 'MiB' },
  { label: 'master V8 heap (reserved)', metric: 'masterHeapKb', unit: 'MiB' },
  { label: 'master live JS heap (after a full GC)', metric: 'masterLiveKb', unit: 'MiB' },
  { label: 'master descriptors', metric: 'masterFds', unit: 'fds' },
];

const show = (value: number, unit: 'MiB' | 'fds'): string => (unit === 'MiB' ? `${fmt(value / 1024, 1)} MiB` : fmt(value, unit === 'fds' && Number.isInteger(value) ? 0 : 2));

/** The soak's targets, also listed (pointing at the soak's own file) by a full run that leaves the soak out. */
export const SOAK_TARGETS = {
  failed: { figure: 'failed requests over the soak', target: '0' },
  fds: { figure: 'emperor and master descriptors over the soak', target: 'end = start' },
  rss: { figure: 'emperor and master RSS slope over the second half (soak)', target: '< 1 MiB / 1,000 reloads' },
} as const;

/** The soak section and its targets: no failed request, descriptors flat, RSS growing less than 1 MiB per 1,000 reloads. */
export function reportSoak(result: SoakResult): PartReport {
  const first = result.samples[0];
  const last = result.samples.at(-1);
  const secondHalf = result.samples.slice(Math.floor(result.samples.length / 2));
  const rows = ROWS.map(({ label, metric, unit }) => [label, first ? show(first[metric], unit) : 'n/a', last ? show(last[metric], unit) : 'n/a', show(slopePer1000(result.samples, metric), unit), show(slopePer1000(secondHalf, metric), unit)]);
  const failed = result.loads.reduce((n, l) => n + l.result.failed, 0);
  const ok = result.loads.reduce((n, l) => n + l.result.ok, 0);
  const loadRows = result.loads.map((l) => [l.mode, int(l.result.ok), String(l.result.failed), Object.entries(l.result.errors).map(([k, v]) => `${k}: ${v}`).join(', ') || '-', fmt(l.result.latency.p99, 1), fmt(l.result.latency.max, 0)]);
  const markdown = [
    `One emperor, one vassal (2 module workers of the hello handler), ${int(result.done)} graceful reloads back to back in ${fmt(result.elapsedMs / 60_000, 1)} min (${fmt(result.done / (result.elapsedMs / 1000), 1)} reloads/s; asked for ${int(result.asked)}): each the moment the previous one finished, ${int(result.touches)} of them by a touch of the vassal file (through the emperor), the others by SIGHUP to the master; ${result.failedReloads} reloads failed. Light load meanwhile: ${result.rate} requests/s in total, keep-alive and new-connection clients. RSS (VmRSS) and open descriptors (/proc/PID/fd) of the emperor and the master sampled ${result.samples.length} times; each sample waits until the master has reaped the old workers (exactly 2 children), so no draining worker's pipes are counted. The V8 heap rows are process.memoryUsage().heapTotal, read by a probe loaded into the emperor and the master (\`bench/lib/heap-probe.ts\`, on SIGPWR): RSS that grows with them is the JS heap's capacity, RSS that grows without them is native memory. The live rows are the heap in use right after a full GC (\`gc()\`, the soak runs them with \`--expose-gc\`): reserved heap can grow while V8 raises its limits and compiles code for paths only reloads take, but only a growing live heap means something is kept per reload. The slope is a least-squares fit against the reload count; the first reloads include V8's warm-up (code compiled, heap grown), so the slope over the second half says more about a leak.`,
    '',
    table(['process', 'start', 'end', 'slope per 1,000 reloads', 'slope over the second half (after warm-up)'], rows),
    '',
    table(['client', 'ok', 'failed', 'failures', 'p99 ms', 'max ms'], loadRows),
  ].join('\n');
  const slope = (metric: Metric): number => slopePer1000(secondHalf, metric);
  const targets: TargetRow[] = [
    { figure: `${SOAK_TARGETS.failed.figure} (${int(result.done)} reloads)`, target: SOAK_TARGETS.failed.target, measured: `${failed} of ${int(ok + failed)}`, met: failed === 0 && result.failedReloads === 0 },
    { ...SOAK_TARGETS.fds, measured: `emperor ${first?.emperorFds} → ${last?.emperorFds}, master ${first?.masterFds} → ${last?.masterFds}`, met: first !== undefined && last !== undefined && first.emperorFds === last.emperorFds && first.masterFds === last.masterFds },
    { ...SOAK_TARGETS.rss, measured: `emperor ${fmt(slope('emperorRssKb') / 1024, 2)}, master ${fmt(slope('masterRssKb') / 1024, 2)} MiB`, met: slope('emperorRssKb') < 1024 && slope('masterRssKb') < 1024 },
  ];
  return { title: 'Soak: reloads under light load', markdown, targets };
}
