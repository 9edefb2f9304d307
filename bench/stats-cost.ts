// Part 6, statistics: what the worker counters cost (keep-alive req/s of uw
// as built vs a build whose workers count nothing, see lib/bare-build.ts), and
// what a scrape costs under load (req/s while a client reads the master's stats
// document 10 times a second vs no reader). Interleaved in short slices, medians.
import { readStats } from '../src/stats/read-stats.js';
import { fmt, int, ratio, table } from './lib/format.js';
import { buildBareUw } from './lib/bare-build.js';
import { counterCostNs } from './lib/counter-micro.js';
import { runLoad } from './lib/load.js';
import { sampleCpu } from './lib/server-cpu.js';
import type { LoadResult } from './lib/load-types.js';
import { HELLO_APP, UW_BIN } from './lib/paths.js';
import { ProcessSet } from './lib/process-set.js';
import type { BenchOptions, PartReport } from './lib/report.js';
import { portOf } from './lib/servers.js';
import { median } from './lib/stats.js';

const CONNECTIONS = 32;
const START_TIMEOUT_MS = 20_000;
const SCRAPES_PER_SECOND = 10;

interface Uw {
  readonly port: number;
  readonly statsPort: number;
  readonly pid: number;
}

interface Sample {
  readonly variant: Variant;
  readonly result: LoadResult;
  /** CPU of the master and its workers per request answered, µs */
  readonly cpuPerReq: number;
}

async function startUw(processes: ProcessSet, name: string, bin: string): Promise<Uw> {
  const args = [bin, '--http-socket', '127.0.0.1:0', '--module', HELLO_APP, '--processes', '1', '--stats', '127.0.0.1:0'];
  const master = processes.spawn(name, process.execPath, args);
  const bound = await master.waitForMsg('socket bound', {}, START_TIMEOUT_MS);
  const stats = await master.waitForMsg('stats server listening', {}, START_TIMEOUT_MS);
  await master.waitForMsg('master ready', {}, START_TIMEOUT_MS);
  return { port: portOf(bound.where), statsPort: portOf(stats.where), pid: master.pid };
}

/** Read the stats document every 1/SCRAPES_PER_SECOND s until stopped; returns how many reads succeeded. */
function scrape(statsPort: number): { stop(): Promise<number> } {
  let reads = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    pending = readStats({ type: 'tcp', host: '127.0.0.1', port: statsPort }).then(() => (reads += 1), () => undefined);
  }, 1000 / SCRAPES_PER_SECOND);
  return {
    stop: async () => {
      clearInterval(timer);
      await pending;
      return reads;
    },
  };
}

type Variant = 'counters' | 'bare' | 'scraped';

export async function runStatsCost(options: BenchOptions): Promise<PartReport> {
  const rounds = options.quick ? 3 : 8;
  const durationMs = options.quick ? 1_000 : 3_000;
  const processes = new ProcessSet();
  const samples: Sample[] = [];
  let reads = 0;
  try {
    options.progress('stats: building uw without counters');
    const bareBin = await buildBareUw();
    const counted = await startUw(processes, 'uw', UW_BIN);
    const bare = await startUw(processes, 'uw without counters', bareBin);
    const load = (uw: Uw): Promise<LoadResult> => runLoad(processes, { port: uw.port, connections: CONNECTIONS, mode: 'keep-alive', durationMs, ratePerSec: 0, timeoutMs: 5_000 });
    const measure = async (variant: Variant, uw: Uw): Promise<Sample> => {
      const before = sampleCpu(uw.pid);
      const result = await load(uw);
      const after = sampleCpu(uw.pid);
      return { variant, result, cpuPerReq: ((after.tree - before.tree) * 1e6) / Math.max(1, result.ok) };
    };
    await load(counted);
    await load(bare);
    for (let round = 0; round < rounds; round++) {
      const order: Variant[] = round % 2 === 0 ? ['counters', 'bare', 'scraped'] : ['scraped', 'bare', 'counters'];
      for (const variant of order) {
        options.progress(`stats: round ${round + 1}/${rounds} ${variant}`);
        if (variant === 'scraped') {
          const scraper = scrape(counted.statsPort);
          samples.push(await measure(variant, counted));
          reads += await scraper.stop();
        } else {
          samples.push(await measure(variant, variant === 'bare' ? bare : counted));
        }
      }
    }
  } finally {
    await processes.stopAll();
  }
  options.progress('stats: the counter alone');
  return report(samples, { rounds, durationMs, reads, isolated: counterCostNs(40) });
}

interface Run {
  readonly rounds: number;
  readonly durationMs: number;
  readonly reads: number;
  /** CPU ns per request of the counter alone (counter-micro.ts) */
  readonly isolated: { readonly counters: number; readonly bare: number };
}

function report(samples: readonly Sample[], run: Run): PartReport {
  const rps = (variant: Variant): number => median(samples.filter((s) => s.variant === variant).map((s) => s.result.reqPerSec));
  const cpu = (variant: Variant): number => median(samples.filter((s) => s.variant === variant).map((s) => s.cpuPerReq));
  const p99 = (variant: Variant): number => median(samples.filter((s) => s.variant === variant).map((s) => s.result.latency.p99));
  const failed = (variant: Variant): number => samples.filter((s) => s.variant === variant).reduce((sum, s) => sum + s.result.failed, 0);
  const counters = 1 - rps('counters') / rps('bare');
  const scrape = 1 - rps('scraped') / rps('counters');
  const extraNs = run.isolated.counters - run.isolated.bare;
  const share = extraNs / (cpu('bare') * 1000);
  const rows: [string, Variant][] = [['uw, workers built without counters', 'bare'], ['uw as built (counters on)', 'counters'], [`uw as built, stats read ${SCRAPES_PER_SECOND}x/s`, 'scraped']];
  const markdown = [
    `uw with 1 worker on the hello app (one worker: with two, how the kernel spreads the 32 keep-alive connections between them moves req/s by more than the counters could), ${CONNECTIONS} keep-alive connections, closed loop, ${run.durationMs / 1000} s per measurement, ${run.rounds} rounds in alternating order (medians). The build without counters is the same bundle with the worker's RequestCounter replaced by one that only tracks the responses in flight (what the drain needs). The scraper reads the master's stats document over TCP (${run.reads} reads in all), as uwsgitop does.`,
    '',
    table(['server', 'req/s', 'vs without counters', 'server CPU µs/req', 'vs without counters', 'p99 ms', 'failed'], rows.map(([name, variant]) => [name, int(rps(variant)), ratio(rps(variant), rps('bare')), fmt(cpu(variant), 1), ratio(cpu(variant), cpu('bare')), fmt(p99(variant), 2), String(failed(variant))])),
    '',
    `Server CPU per request (master and workers, from /proc): counters ${fmt(cpu('counters') - cpu('bare'), 2)} µs/req, a scrape every ${1000 / SCRAPES_PER_SECOND} ms ${fmt(cpu('scraped') - cpu('counters'), 2)} µs/req at this rate. Both are within the machine's noise: the same server measured in two slots differs by as much.`,
    '',
    `**The counter alone** (bench/lib/counter-micro.ts: real ServerResponse objects tracked and closed in a loop, best of rounds, CPU): ${fmt(run.isolated.counters, 0)} ns per request with the counters, ${fmt(run.isolated.bare, 0)} ns with the bare stand-in: ${fmt(extraNs, 0)} ns more, ${fmt(share * 100, 2)}% of the ${fmt(cpu('bare'), 1)} µs of server CPU a request costs here.`,
  ].join('\n');
  return {
    title: '6. Statistics',
    markdown,
    targets: [
      { figure: 'keep-alive req/s, counters on vs off', target: '< 2% apart', measured: `${fmt(counters * 100, 1)}% (${int(rps('counters'))} vs ${int(rps('bare'))})`, met: Math.abs(counters) < 0.02 },
      { figure: 'the counters\' CPU per request (isolated) vs a request\'s server CPU', target: '< 2%', measured: `${fmt(share * 100, 2)}% (${fmt(extraNs, 0)} ns of ${fmt(cpu('bare') * 1000, 0)})`, met: share < 0.02 },
      { figure: `keep-alive req/s while the stats are read ${SCRAPES_PER_SECOND}x/s`, target: '< 2% slower', measured: `${fmt(scrape * 100, 1)}% (${int(rps('scraped'))} vs ${int(rps('counters'))})`, met: scrape < 0.02 },
    ],
  };
}
