// The script part's tables (throughput side by side with the uw ratios, then
// reloads under load) and its target rows.
import { fmt, int, ratio, table } from './lib/format.js';
import type { ConnectionMode, LoadResult } from './lib/load-types.js';
import type { PartReport, TargetRow } from './lib/report.js';
import { median } from './lib/stats.js';

/** One closed-loop measurement of one server. */
export interface LoadSample {
  readonly server: string;
  readonly mode: ConnectionMode;
  readonly result: LoadResult;
  /** %core of the whole serving tree, and of its root (master, primary, PM2 daemon) alone */
  readonly treeCpu: number;
  readonly rootCpu: number;
}

/** Reloads of one server under a fixed-rate load, and the same load at steady state just before. */
export interface ReloadRun {
  readonly server: string;
  readonly mode: ConnectionMode;
  readonly steady: LoadResult;
  readonly reloading: LoadResult;
  /** each reload, from its trigger until the server said it finished */
  readonly reloadMs: readonly number[];
}

export interface ScriptRun {
  readonly rounds: number;
  readonly durationMs: number;
  readonly connections: number;
  readonly reloads: number;
  readonly steadyMs: number;
  readonly rate: number;
  readonly reloadConnections: number;
  readonly reloadTimeoutMs: number;
}

function throughputRows(names: readonly string[], samples: readonly LoadSample[], mode: ConnectionMode): string[][] {
  const med = (name: string, pick: (s: LoadSample) => number): number => median(samples.filter((s) => s.server === name && s.mode === mode).map(pick));
  const uw = med(names[0] ?? '', (s) => s.result.reqPerSec);
  return names.map((name) => {
    const rps = med(name, (s) => s.result.reqPerSec);
    const failed = samples.filter((s) => s.server === name && s.mode === mode).reduce((sum, s) => sum + s.result.failed, 0);
    return [name, int(rps), ratio(uw, rps), fmt(med(name, (s) => s.result.latency.p50), 2), fmt(med(name, (s) => s.result.latency.p99), 2),
      fmt(med(name, (s) => s.treeCpu), 0), fmt(med(name, (s) => s.rootCpu), 0), fmt(med(name, (s) => (s.treeCpu * 10_000) / s.result.reqPerSec), 1), String(failed)];
  });
}

function reloadRows(runs: readonly ReloadRun[]): string[][] {
  return runs.map((run) => {
    const r = run.reloading;
    const failures = Object.entries(r.errors).map(([kind, n]) => `${kind}: ${n}`).join(', ') || '-';
    return [run.server, run.mode, `${int(r.ok)} / ${r.failed}`, failures, String(run.steady.failed), fmt(run.steady.latency.p99, 2), fmt(r.latency.p99, 2), fmt(r.latency.max, 1), fmt(median(run.reloadMs), 0), fmt(Math.max(...run.reloadMs), 0)];
  });
}

/** uw ÷ other, keep-alive, as a target row: the same bar as the data path's (>= 0.95x). */
function ratioTarget(names: readonly string[], samples: readonly LoadSample[], other: string): TargetRow {
  const rps = (name: string): number => median(samples.filter((s) => s.server === name && s.mode === 'keep-alive').map((s) => s.result.reqPerSec));
  const uw = rps(names[0] ?? '');
  const value = uw / rps(other);
  return { figure: `Express script, keep-alive req/s, uw vs ${other.replace(/ \(.*$/, '')}`, target: '>= 0.95x', measured: `${value.toFixed(2)}x (${int(uw)} vs ${int(rps(other))})`, met: Number.isFinite(value) ? value >= 0.95 : null };
}

/** "uw / node:cluster: keep-alive 1.02x, new connection 1.40x; uw / PM2 ...": the ratios in one line. */
function ratioLine(names: readonly string[], samples: readonly LoadSample[]): string {
  const rps = (name: string, mode: ConnectionMode): number => median(samples.filter((s) => s.server === name && s.mode === mode).map((s) => s.result.reqPerSec));
  const uw = names[0] ?? '';
  return names.slice(1).map((other) => `uw / ${other.replace(/ \(.*$/, '')}: keep-alive ${ratio(rps(uw, 'keep-alive'), rps(other, 'keep-alive'))}, new connection ${ratio(rps(uw, 'new-connection'), rps(other, 'new-connection'))}`).join('; ');
}

/** names[0] is uw, the one the others are compared with. */
export function scriptReport(names: readonly string[], samples: readonly LoadSample[], runs: readonly ReloadRun[], run: ScriptRun): PartReport {
  const head = ['server', 'req/s', 'uw ÷ this', 'p50 ms', 'p99 ms', 'server CPU %core', 'of which master / primary / PM2 daemon', 'server CPU µs/req', 'failed'];
  const markdown = [
    `The same unmodified Express 5 script (\`bench/fixtures/express-app.cjs\`: \`app.get('/')\` answering a short text, then \`app.listen(process.env.PORT || 3000, process.env.HOST)\`) on 2 workers, three ways: uw (\`uw --http-socket 127.0.0.1:0 --script express-app.cjs --processes 2\`), a tiny node:cluster primary (\`bench/apps/script-cluster.ts\`) forking 2 workers that run the script (Node's default round-robin: the primary accepts every connection and hands it on), and PM2 cluster mode (\`pm2 start express-app.cjs -i 2\`, PM2 from npm, its own PM2_HOME in a temporary directory; PM2's daemon is the cluster primary; PM2's defaults otherwise). ${run.connections} connections, closed loop, ${run.durationMs / 1000} s per measurement, ${run.rounds} rounds in rotating order (medians shown), after a 0.5 s warm-up of each. "uw ÷ this" is uw's req/s divided by this server's. The server CPU is the whole tree of the root process (uw master, cluster primary, PM2 daemon, each with its workers).`,
    '',
    `**Requests/s, uw's ratio to each**: ${ratioLine(names, samples)}.`,
    '',
    '**Keep-alive**',
    '',
    table(head, throughputRows(names, samples, 'keep-alive')),
    '',
    '**New connection per request** (`Connection: close`)',
    '',
    table(head, throughputRows(names, samples, 'new-connection')),
    '',
    `**Graceful reload under load**: ${run.reloads} reload(s) one after another (each once the previous one finished, plus 200 ms), while the client sends ${int(run.rate)} requests/s in total over ${run.reloadConnections} connections; steady state is ${run.steadyMs / 1000} s of the same load just before. uw: SIGHUP to the master, finished at its \`reload finished\` line; PM2: \`pm2 reload\`, finished when the command returns (PM2 starts a new worker, and once it listens sends the old one SIGINT, SIGKILL after 1.6 s; the script has no SIGINT handler of its own). A failure is any request that did not get a complete 200 (reset, refused, closed early, other status, no answer within ${run.reloadTimeoutMs / 1000} s). node:cluster has no reload of its own: not measured.`,
    '',
    table(['server', 'client', 'during reloads: ok / failed', 'failures', 'steady: failed', 'steady p99 ms', 'reloads p99 ms', 'reloads max ms', 'reload p50 ms', 'reload max ms'], reloadRows(runs)),
  ].join('\n');
  const uwReloads = runs.filter((r) => r.server === names[0]);
  const uwFailed = uwReloads.reduce((sum, r) => sum + r.reloading.failed, 0);
  const targets: TargetRow[] = [
    ...names.slice(1).map((other) => ratioTarget(names, samples, other)),
    { figure: `Express script, failed requests over ${run.reloads} uw reload(s) per client (${uwReloads.map((r) => r.mode).join(', ')})`, target: '0', measured: `${uwFailed} of ${int(uwReloads.reduce((sum, r) => sum + r.reloading.ok + r.reloading.failed, 0))}`, met: uwReloads.length === 0 ? null : uwFailed === 0 },
  ];
  return { title: '7. An unmodified Express script: uw vs node:cluster vs PM2', markdown, targets };
}
