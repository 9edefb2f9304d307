// Part "startup": what one vassal costs in CPU to start, master + one module
// worker from spawn to "master ready", spawned as the emperor spawns a master
// (its node flags and environment, no NODE_EXTRA_CA_CERTS), interleaved with
// an empty node (what two node processes cost at least). CPU is each thread's
// time on a CPU from /proc/PID/task/TID/schedstat (nanoseconds; the 10 ms
// ticks of /proc/PID/stat moved the verdict by a step), which machine load
// distorts less than wall time.
import { fmt, table } from './lib/format.js';
import { withoutCa } from './lib/env.js';
import { HELLO_APP } from './lib/paths.js';
import { childrenOf, cpuSecondsExact } from './lib/proc-stats.js';
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
    return { masterMs: cpuSecondsExact(master.pid) * 1000, workerMs: worker === undefined ? Number.NaN : cpuSecondsExact(worker) * 1000 };
  } finally {
    await processes.stopAll();
  }
}

/** What the empty node runs: it prints its own threads' CPU (ns) once it reaches user code, as a master's is read at ready. */
const OWN_CPU = "const fs=require('fs');let ns=0;for(const t of fs.readdirSync('/proc/self/task'))ns+=Number(fs.readFileSync('/proc/self/task/'+t+'/schedstat','utf8').split(' ')[0]);console.log(ns)";

/** CPU ms of an empty node, from its start to its first line of user code. */
function emptyNodeMs(env: NodeJS.ProcessEnv): number {
  return Number(execFileSync(process.execPath, ['-e', OWN_CPU], { env, encoding: 'utf8' }).trim()) / 1e6;
}

export async function runStartup(options: BenchOptions): Promise<PartReport> {
  const runs = options.quick ? 5 : 40;
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
    `${runs} vassals started one after another (a master as the emperor starts it: its bundle, node flags and environment, one hello module worker), each followed by an empty node (\`node -e\` with a line that reads its own CPU); CPU ms, each thread's time on a CPU from /proc/PID/task/TID/schedstat, read at "master ready" (the empty node: at its first line), medians.`,
    '',
    table(['process', 'CPU ms', 'vs an empty node'], [
      ['master, spawn → ready', fmt(master, 1), `${fmt(master - bare, 1)} ms more`],
      ['its worker, spawn → ready', fmt(worker, 1), `${fmt(worker - bare, 1)} ms more`],
      ['master + worker', fmt(total, 1), `${fmt(total - 2 * bare, 1)} ms more than two`],
      ['an empty `node -e`', fmt(bare, 1), '-'],
    ]),
  ].join('\n');
  return {
    title: 'Start-up cost',
    markdown,
    targets: [{ figure: 'CPU to start one vassal (master + 1 module worker, to ready)', target: '<= 70 ms', measured: `${fmt(total, 1)} ms (an empty node: ${fmt(bare, 1)} ms)`, met: total <= 70 }],
  };
}
