// Part "startup": what one vassal costs in CPU to start, master + one module
// worker from spawn to "master ready", spawned as the emperor spawns a master
// (its node flags and environment, no NODE_EXTRA_CA_CERTS), interleaved with
// an empty `node -e 0` (what two node processes cost at least). CPU is
// utime+stime from /proc, which machine load distorts less than wall time.
import { fmt, table } from './lib/format.js';
import { withoutCa } from './lib/env.js';
import { HELLO_APP } from './lib/paths.js';
import { childrenOf, cpuSeconds } from './lib/proc-stats.js';
import { ProcessSet } from './lib/process-set.js';
import type { BenchOptions, PartReport } from './lib/report.js';
import { median } from './lib/stats.js';
import { MASTER_NODE_FLAGS, parkThreadPool } from '../src/process/thread-pools.js';
import { BUNDLED_MASTER_BIN } from '../src/emperor/master-command.js';
import { execFileSync } from 'node:child_process';

interface Sample {
  readonly masterMs: number;
  readonly workerMs: number;
}

async function oneVassal(env: NodeJS.ProcessEnv): Promise<Sample> {
  const processes = new ProcessSet();
  try {
    const master = processes.spawn('uw', process.execPath, [...MASTER_NODE_FLAGS, BUNDLED_MASTER_BIN, '--http-socket', '127.0.0.1:0', '--module', HELLO_APP, '--processes', '1'], { env });
    await master.waitForMsg('master ready', {}, 60_000);
    const [worker] = childrenOf(master.pid);
    return { masterMs: cpuSeconds(master.pid) * 1000, workerMs: worker === undefined ? Number.NaN : cpuSeconds(worker) * 1000 };
  } finally {
    await processes.stopAll();
  }
}

/** CPU ms of `node -e 0` (children's rusage, measured by a shell's `times`). */
function emptyNodeMs(env: NodeJS.ProcessEnv): number {
  const out = execFileSync('/bin/sh', ['-c', '"$0" -e 0; times', process.execPath], { env, encoding: 'utf8' });
  // second line of `times`: children's user and system time, e.g. "0m0.040000s 0m0.010000s"
  const seconds = (out.trim().split('\n')[1] ?? '').split(/\s+/).map((t) => { const m = /(\d+)m([\d.]+)s/.exec(t); return m ? Number(m[1]) * 60 + Number(m[2]) : 0; });
  return (seconds.reduce((a, b) => a + b, 0)) * 1000;
}

export async function runStartup(options: BenchOptions): Promise<PartReport> {
  const runs = options.quick ? 5 : 15;
  const env = parkThreadPool(withoutCa());
  const samples: Sample[] = [];
  const empty: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (i % 5 === 0) options.progress(`startup: run ${i + 1}/${runs}`);
    samples.push(await oneVassal(env));
    empty.push(emptyNodeMs(withoutCa()));
  }
  const master = median(samples.map((s) => s.masterMs));
  const worker = median(samples.map((s) => s.workerMs));
  const total = median(samples.map((s) => s.masterMs + s.workerMs));
  const bare = median(empty);
  const markdown = [
    `${runs} vassals started one after another (a master as the emperor starts it: its bundle, node flags and environment, one hello module worker), each followed by an empty \`node -e 0\`; CPU (user + system, ms) from /proc at "master ready", medians. Clock ticks are 10 ms, so single figures move in steps of 10.`,
    '',
    table(['process', 'CPU ms', 'vs an empty node'], [
      ['master, spawn → ready', fmt(master, 0), `${fmt(master - bare, 0)} ms more`],
      ['its worker, spawn → ready', fmt(worker, 0), `${fmt(worker - bare, 0)} ms more`],
      ['master + worker', fmt(total, 0), `${fmt(total - 2 * bare, 0)} ms more than two`],
      ['`node -e 0`', fmt(bare, 0), '-'],
    ]),
  ].join('\n');
  return {
    title: 'Start-up cost',
    markdown,
    targets: [{ figure: 'CPU to start one vassal (master + 1 module worker, to ready)', target: '<= 70 ms', measured: `${fmt(total, 0)} ms (an empty node: ${fmt(bare, 0)} ms)`, met: total <= 70 }],
  };
}
