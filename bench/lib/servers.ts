// The servers compared in the data-path benchmark, each started on 127.0.0.1:0
// and reported with its port and the PID of its root process (uw master,
// plain process, or cluster primary).
import { APPS, HELLO_APP, UW_BIN } from './paths.js';
import type { ProcessSet } from './process-set.js';
import type { TrackedProcess } from './tracked-process.js';

export interface RunningServer {
  readonly name: string;
  readonly port: number;
  readonly process: TrackedProcess;
}

const START_TIMEOUT_MS = 20_000;

/** Port of a `socket bound` line's `where` ("127.0.0.1:PORT"). */
export function portOf(where: unknown): number {
  const port = Number(String(where).split(':').pop());
  if (!Number.isInteger(port) || port <= 0) throw new Error(`no port in ${String(where)}`);
  return port;
}

/** A uw master with `workers` module workers running the hello app (in `env`, which its workers inherit); `label` names the variant, `options` are more of uw's. */
export async function startUw(processes: ProcessSet, workers: number, env: NodeJS.ProcessEnv = process.env, label = '', options: readonly string[] = []): Promise<RunningServer> {
  const args = [UW_BIN, '--http-socket', '127.0.0.1:0', '--module', HELLO_APP, '--processes', String(workers), ...options];
  const master = processes.spawn('uw', process.execPath, args, { env });
  const bound = await master.waitForMsg('socket bound', {}, START_TIMEOUT_MS);
  await master.waitForMsg('master ready', {}, START_TIMEOUT_MS);
  return { name: `uw (${workers} workers)${label}`, port: portOf(bound.where), process: master };
}

async function startScript(processes: ProcessSet, name: string, script: string, args: readonly string[]): Promise<RunningServer> {
  const child = processes.spawn(name, process.execPath, [`${APPS}${script}`, ...args]);
  const line = await child.waitForMsg('listening', {}, START_TIMEOUT_MS);
  return { name, port: Number(line.port), process: child };
}

/** One plain node:http process; `tracked`: with the uw worker's per-request bookkeeping. */
export function startPlain(processes: ProcessSet, tracked = false): Promise<RunningServer> {
  const name = tracked ? 'node:http + uw bookkeeping' : 'node:http (1 process)';
  return startScript(processes, name, 'plain-http.js', tracked ? ['tracked'] : []);
}

/** node:cluster: `rr` is the default scheduling, `none` lets the workers share the socket. */
export function startCluster(processes: ProcessSet, workers: number, policy: 'rr' | 'none'): Promise<RunningServer> {
  const name = `node:cluster (${workers} workers, ${policy === 'rr' ? 'round-robin' : 'SCHED_NONE'})`;
  return startScript(processes, name, 'cluster.js', [String(workers), policy]);
}
