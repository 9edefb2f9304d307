// Part 7, an unmodified Express script on 2 workers: under uw (`--script`),
// under node:cluster (a tiny primary, round-robin) and under PM2 cluster mode,
// all running side by side and loaded in turn (rotating order each round) with
// keep-alive and new-connection-per-request clients; then graceful reloads
// under a fixed-rate load for the two that have one (uw SIGHUP, `pm2 reload`),
// every failed request counted.
import { runLoad, startLoad } from './lib/load.js';
import type { ConnectionMode, LoadConfig } from './lib/load-types.js';
import { ProcessSet } from './lib/process-set.js';
import type { BenchOptions, PartReport } from './lib/report.js';
import { cpuPercent, sampleCpu } from './lib/server-cpu.js';
import { startClusterScript, startPm2Script, startUwScript, type ScriptServer } from './lib/script-servers.js';
import { sleep } from './lib/temp-dir.js';
import { scriptReport, type LoadSample, type ReloadRun } from './script-report.js';

const WORKERS = 2;
const CONNECTIONS = 32;
const MODES: readonly ConnectionMode[] = ['keep-alive', 'new-connection'];
/** the reload runs' load: well below what 2 Express workers serve, so a failure is the reload's */
const RELOAD_RATE = 500;
const RELOAD_CONNECTIONS = 16;

/** How many reloads per run, the steady run before them, when a request counts as unanswered, which clients. */
interface ReloadPlan {
  readonly reloads: number;
  readonly steadyMs: number;
  readonly timeoutMs: number;
  readonly modes: readonly ConnectionMode[];
}

function rotate<T>(items: readonly T[], by: number): T[] {
  return [...items.slice(by % items.length), ...items.slice(0, by % items.length)];
}

async function measure(processes: ProcessSet, server: ScriptServer, mode: ConnectionMode, durationMs: number): Promise<LoadSample> {
  const before = sampleCpu(server.rootPid);
  const result = await runLoad(processes, { port: server.port, connections: CONNECTIONS, mode, durationMs, ratePerSec: 0, timeoutMs: 5_000 });
  const cpu = cpuPercent(before, sampleCpu(server.rootPid));
  return { server: server.name, mode, result, treeCpu: cpu.tree, rootCpu: cpu.root };
}

/** Steady state, then `reloads` reloads one after another (200 ms apart) under the same load. */
async function reloadUnderLoad(processes: ProcessSet, server: ScriptServer, reload: () => Promise<void>, mode: ConnectionMode, plan: ReloadPlan): Promise<ReloadRun> {
  const config: LoadConfig = { port: server.port, connections: RELOAD_CONNECTIONS, mode, durationMs: plan.steadyMs, ratePerSec: RELOAD_RATE, timeoutMs: plan.timeoutMs };
  const steady = await runLoad(processes, config);
  const load = startLoad(processes, { ...config, durationMs: 0 });
  const reloadMs: number[] = [];
  try {
    await sleep(300);
    for (let i = 0; i < plan.reloads; i++) {
      const started = Date.now();
      await reload();
      reloadMs.push(Date.now() - started);
      await sleep(200);
    }
    await sleep(300);
  } finally {
    await load.stop().catch(() => undefined);
  }
  return { server: server.name, mode, steady, reloading: await load.result, reloadMs };
}

/** Every server in turn (rotating order), both clients, `rounds` times, after a 0.5 s warm-up of each. */
async function throughput(options: BenchOptions, processes: ProcessSet, servers: readonly ScriptServer[], rounds: number, durationMs: number): Promise<LoadSample[]> {
  for (const server of servers) await runLoad(processes, { port: server.port, connections: CONNECTIONS, mode: 'keep-alive', durationMs: 500, ratePerSec: 0, timeoutMs: 5_000 });
  const samples: LoadSample[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const mode of MODES) {
      for (const server of rotate(servers, round)) {
        options.progress(`script: round ${round + 1}/${rounds} ${mode} ${server.name}`);
        samples.push(await measure(processes, server, mode, durationMs));
      }
    }
  }
  return samples;
}

/** The plan's reload runs of every server that has a reload. */
async function reloads(options: BenchOptions, processes: ProcessSet, servers: readonly ScriptServer[], plan: ReloadPlan): Promise<ReloadRun[]> {
  const runs: ReloadRun[] = [];
  for (const server of servers) {
    const reload = server.reload;
    if (reload === null) continue;
    for (const mode of plan.modes) {
      options.progress(`script: ${plan.reloads} reload(s) of ${server.name} under load, ${mode}`);
      runs.push(await reloadUnderLoad(processes, server, reload, mode, plan));
    }
  }
  return runs;
}

/** The part `--only script`: what moving an existing Express app from node:cluster or PM2 to uw costs or gains. */
export async function runScript(options: BenchOptions): Promise<PartReport> {
  const rounds = options.quick ? 2 : 6;
  const durationMs = options.quick ? 1_000 : 3_000;
  // a PM2 reload under load takes about 10 s: --quick does one, keep-alive only
  const plan: ReloadPlan = { reloads: options.quick ? 1 : 5, steadyMs: options.quick ? 1_000 : 3_000, timeoutMs: options.quick ? 5_000 : 10_000, modes: options.quick ? ['keep-alive'] : MODES };
  const processes = new ProcessSet();
  try {
    options.progress('script: starting uw, node:cluster and PM2 with the Express script');
    const servers = await Promise.all([startUwScript(processes, WORKERS), startClusterScript(processes, WORKERS), startPm2Script(processes, WORKERS)]);
    const samples = await throughput(options, processes, servers, rounds, durationMs);
    const runs = await reloads(options, processes, servers, plan);
    const run = { rounds, durationMs, connections: CONNECTIONS, reloads: plan.reloads, steadyMs: plan.steadyMs, rate: RELOAD_RATE, reloadConnections: RELOAD_CONNECTIONS, reloadTimeoutMs: plan.timeoutMs };
    return scriptReport(servers.map((s) => s.name), samples, runs, run);
  } finally {
    await processes.stopAll();
  }
}
