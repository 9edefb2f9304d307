// Part 1, data path: the hello handler behind uw (2 workers on the inherited
// socket), one plain node:http process, node:cluster with 2 workers and the
// default round-robin scheduling, and (for reference) node:cluster with
// SCHED_NONE, all running side by side and loaded in turn (rotating order each
// round) with keep-alive and new-connection-per-request clients.
import { fmt, int, ratio, table } from './lib/format.js';
import { runAutocannon, runLoad } from './lib/load.js';
import type { ConnectionMode, LoadResult } from './lib/load-types.js';
import { ProcessSet } from './lib/process-set.js';
import type { BenchOptions, PartReport } from './lib/report.js';
import { cpuPercent, sampleCpu } from './lib/server-cpu.js';
import { startCluster, startPlain, startUw, type RunningServer } from './lib/servers.js';
import { median } from './lib/stats.js';
import { busiestShare, workerRequests } from './lib/worker-balance.js';

const CONNECTIONS = 32;
type Kind = 'keep-alive' | 'new-connection' | 'autocannon';

interface Sample {
  readonly server: string;
  readonly kind: Kind;
  readonly result: LoadResult;
  readonly treeCpu: number;
  readonly rootCpu: number;
  /** uw only: the busiest worker's share of the requests */
  readonly busiest: number;
}

async function measure(processes: ProcessSet, server: RunningServer, kind: Kind, durationMs: number, isUw: boolean): Promise<Sample> {
  const mode: ConnectionMode = kind === 'new-connection' ? 'new-connection' : 'keep-alive';
  const config = { port: server.port, connections: CONNECTIONS, mode, durationMs, ratePerSec: 0, timeoutMs: 5_000 };
  const counts = isUw ? await workerRequests(server.process) : null;
  const before = sampleCpu(server.process.pid);
  const result = kind === 'autocannon' ? await runAutocannon(processes, config) : await runLoad(processes, config);
  const cpu = cpuPercent(before, sampleCpu(server.process.pid));
  const busiest = counts === null ? Number.NaN : busiestShare(counts, await workerRequests(server.process));
  return { server: server.name, kind, result, treeCpu: cpu.tree, rootCpu: cpu.root, busiest };
}

function rotate<T>(items: readonly T[], by: number): T[] {
  return [...items.slice(by % items.length), ...items.slice(0, by % items.length)];
}

export async function runDataPath(options: BenchOptions): Promise<PartReport> {
  // short slices, many rounds: the machine's background load then hits every server alike
  const rounds = options.quick ? 2 : 6;
  const durationMs = options.quick ? 1_000 : 3_000;
  const kindsOf = (round: number): Kind[] => (options.quick || round >= 2 ? ['keep-alive', 'new-connection'] : ['keep-alive', 'new-connection', 'autocannon']);
  const bookkeepingRounds = options.quick ? 1 : 3;
  const processes = new ProcessSet();
  const samples: Sample[] = [];
  try {
    const uw = await startUw(processes, 2);
    // libuv's UV_TCP_SINGLE_ACCEPT=1: accept one connection per loop turn, then yield, so sibling workers get their share
    const single = await startUw(processes, 2, { ...process.env, UV_TCP_SINGLE_ACCEPT: '1' }, ' + UV_TCP_SINGLE_ACCEPT=1');
    const servers = [uw, await startPlain(processes), await startCluster(processes, 2, 'rr'), await startCluster(processes, 2, 'none'), single];
    const tracked = await startPlain(processes, true);
    for (const server of [...servers, tracked]) await runLoad(processes, { port: server.port, connections: CONNECTIONS, mode: 'keep-alive', durationMs: 500, ratePerSec: 0, timeoutMs: 5_000 });
    for (let round = 0; round < rounds; round++) {
      for (const kind of kindsOf(round)) {
        for (const server of rotate(servers, round)) {
          options.progress(`data path: round ${round + 1}/${rounds} ${kind} ${server.name}`);
          samples.push(await measure(processes, server, kind, durationMs, server === uw || server === single));
        }
      }
      for (const server of round < bookkeepingRounds ? rotate([servers[1] as RunningServer, tracked], round) : []) {
        options.progress(`data path: round ${round + 1}/${rounds} bookkeeping ${server.name}`);
        samples.push(await measure(processes, server, 'keep-alive', durationMs, false));
      }
    }
    return report(servers.map((s) => s.name), tracked.name, samples, { rounds, durationMs, bookkeepingRounds });
  } finally {
    await processes.stopAll();
  }
}

function report(names: readonly string[], trackedName: string, samples: readonly Sample[], run: { rounds: number; durationMs: number; bookkeepingRounds: number }): PartReport {
  const [uw = '', plain = '', cluster = '', , single = ''] = names;
  const med = (server: string, kind: Kind, pick: (s: Sample) => number): number => median(samples.filter((s) => s.server === server && s.kind === kind).map(pick));
  const rps = (server: string, kind: Kind): number => med(server, kind, (s) => s.result.reqPerSec);
  const rows = (kind: Kind): string[][] =>
    names.map((name) => {
      const m = (pick: (s: Sample) => number): number => med(name, kind, pick);
      const failed = samples.filter((s) => s.server === name && s.kind === kind).reduce((sum, s) => sum + s.result.failed, 0);
      return [name, int(rps(name, kind)), ratio(rps(name, kind), rps(cluster, kind)), ratio(rps(name, kind), rps(plain, kind)), fmt(m((s) => s.result.latency.p50), 2), fmt(m((s) => s.result.latency.p99), 2),
        fmt(m((s) => s.treeCpu), 0), fmt(m((s) => s.rootCpu), 0), fmt(m((s) => (s.treeCpu * 10_000) / s.result.reqPerSec), 1), fmt(m((s) => (s.result.cpuMs / s.result.durationMs) * 100), 0), String(failed)];
    });
  const head = ['server', 'req/s', 'vs cluster RR', 'vs plain', 'p50 ms', 'p99 ms', 'server CPU %core', 'of which master / primary', 'server CPU µs/req', 'client CPU %core', 'failed'];
  const shares = (kind: Kind, server = uw): string => samples.filter((s) => s.server === server && s.kind === kind).map((s) => `${fmt(s.busiest * 100, 0)}%`).join(', ');
  const ka = rps(uw, 'keep-alive') / rps(cluster, 'keep-alive');
  const nc = rps(uw, 'new-connection') / rps(cluster, 'new-connection');
  const perReq = (name: string): number => med(name, 'keep-alive', (s) => (s.treeCpu * 10_000) / s.result.reqPerSec);
  const sections = [
    `${CONNECTIONS} connections, closed loop (each connection sends its next request when the previous answer is complete), ${run.durationMs / 1000} s per measurement, ${run.rounds} rounds in rotating order (medians shown), after a 0.5 s warm-up of each server. All servers run at the same time; only the one under load is busy. Latency is measured from the send (connect included for a new connection) to the last byte of the response.`,
    '',
    `**Keep-alive** (our generator). Busiest uw worker's share of the requests, per round: ${shares('keep-alive')} (50% is even: the kernel hands each new connection to whichever worker accepts first, and a keep-alive connection stays there); with UV_TCP_SINGLE_ACCEPT=1: ${shares('keep-alive', single)}.`,
    '',
    table(head, rows('keep-alive')),
    '',
    `**New connection per request** (\`Connection: close\`; the client reconnects for every request). Busiest uw worker's share, per round: ${shares('new-connection')}; with UV_TCP_SINGLE_ACCEPT=1: ${shares('new-connection', single)}.`,
    '',
    table(head, rows('new-connection')),
    '',
  ];
  if (samples.some((s) => s.kind === 'autocannon')) {
    sections.push('**Keep-alive, cross-check with autocannon** (same connections and duration, first 2 rounds; its latencies are whole milliseconds, so only req/s is shown)', '',
      table(['server', 'req/s', 'vs cluster RR'], names.map((name) => [name, int(rps(name, 'autocannon')), ratio(rps(name, 'autocannon'), rps(cluster, 'autocannon'))])), '');
  }
  sections.push(`**What the uw worker's per-request bookkeeping costs** (Drainer.track + RequestCounter.track from the build, around the same handler in one plain process, keep-alive, ${run.bookkeepingRounds} round(s)): ${int(rps(plain, 'keep-alive'))} req/s and ${fmt(perReq(plain), 1)} µs CPU/req without, ${int(rps(trackedName, 'keep-alive'))} req/s and ${fmt(perReq(trackedName), 1)} µs CPU/req with it (${ratio(rps(trackedName, 'keep-alive'), rps(plain, 'keep-alive'))}).`);
  const kaOf = (server: string): number[] => samples.filter((s) => s.server === server && s.kind === 'keep-alive').map((s) => s.result.reqPerSec);
  const worstKa = Math.min(...kaOf(uw).map((rate, i) => rate / (kaOf(cluster)[i] ?? Number.NaN)));
  const worstShare = Math.max(...samples.filter((s) => s.server === uw && s.kind === 'keep-alive').map((s) => s.busiest));
  return {
    title: '1. Data path',
    markdown: sections.join('\n'),
    targets: [
      { figure: 'keep-alive req/s, uw vs cluster', target: '>= 0.95x', measured: `${ka.toFixed(2)}x (${int(rps(uw, 'keep-alive'))} vs ${int(rps(cluster, 'keep-alive'))})`, met: ka >= 0.95 },
      { figure: 'keep-alive req/s, uw vs cluster, worst round', target: '>= 0.95x', measured: `${worstKa.toFixed(2)}x`, met: worstKa >= 0.95 },
      { figure: `busiest of 2 workers, ${CONNECTIONS} keep-alive connections, worst round`, target: '<= 60%', measured: `${fmt(worstShare * 100, 0)}%`, met: worstShare <= 0.6 },
      { figure: 'new-connection req/s, uw vs cluster', target: '>= 1.5x', measured: `${nc.toFixed(2)}x (${int(rps(uw, 'new-connection'))} vs ${int(rps(cluster, 'new-connection'))})`, met: nc >= 1.5 },
    ],
  };
}
