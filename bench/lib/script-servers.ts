// The servers of the script benchmark, each running the same unmodified Express
// script (bench/fixtures/express-app.cjs) on N workers: uw (`--script`),
// node:cluster (a tiny primary, round-robin) and PM2 cluster mode.
import { pidInBody, getOnce, pollUntil } from './http-probe.js';
import { freePort } from '../../test/helpers/free-port.js';
import { APPS, ROOT, UW_BIN } from './paths.js';
import { Pm2Cluster } from './pm2.js';
import type { ProcessSet } from './process-set.js';
import { portOf } from './servers.js';

export const EXPRESS_APP = `${ROOT}bench/fixtures/express-app.cjs`;
const START_TIMEOUT_MS = 30_000;

export interface ScriptServer {
  readonly name: string;
  readonly port: number;
  /** the root of the serving process tree: uw master, cluster primary, PM2 daemon */
  readonly rootPid: number;
  /** a graceful reload, resolved once the server says it finished; null: the server has none */
  readonly reload: (() => Promise<void>) | null;
}

/** uw with `workers` script workers; reload: SIGHUP, done at the master's `reload finished`. */
export async function startUwScript(processes: ProcessSet, workers: number): Promise<ScriptServer> {
  const master = processes.spawn('uw script', process.execPath, [UW_BIN, '--http-socket', '127.0.0.1:0', '--script', EXPRESS_APP, '--processes', String(workers)]);
  const bound = await master.waitForMsg('socket bound', {}, START_TIMEOUT_MS);
  await master.waitForMsg('master ready', {}, START_TIMEOUT_MS);
  const reload = async (): Promise<void> => {
    const from = master.lines.length;
    master.signal('SIGHUP');
    const done = await master.watch(from, (l) => (l.msg === 'reload finished' || String(l.msg).startsWith('reload failed') ? l : undefined), 30_000, 'reload finished');
    if (done.msg !== 'reload finished') throw new Error(`uw reload failed: ${String(done.reason)}`);
  };
  return { name: `uw --script (${workers} workers)`, port: portOf(bound.where), rootPid: master.pid, reload };
}

/** The tiny node:cluster primary of bench/apps/script-cluster.ts; no reload. */
export async function startClusterScript(processes: ProcessSet, workers: number): Promise<ScriptServer> {
  const primary = processes.spawn('cluster script', process.execPath, [`${APPS}script-cluster.js`, EXPRESS_APP, String(workers)]);
  const line = await primary.waitForMsg('listening', {}, START_TIMEOUT_MS);
  return { name: `node:cluster (${workers} workers, round-robin)`, port: Number(line.port), rootPid: primary.pid, reload: null };
}

/** PM2 cluster mode (`pm2 start app -i N`), serving once `workers` different PIDs have answered; reload: `pm2 reload`. */
export async function startPm2Script(processes: ProcessSet, workers: number): Promise<ScriptServer> {
  const port = await freePort();
  const pm2 = await Pm2Cluster.start(processes, EXPRESS_APP, workers, port);
  const seen = new Set<number>();
  await pollUntil(async () => {
    const pid = pidInBody(await getOnce(port));
    if (pid !== undefined) seen.add(pid);
    return seen.size >= workers ? true : undefined;
  }, 20, START_TIMEOUT_MS, `${workers} PM2 workers answering on port ${port}`);
  return { name: `PM2 cluster mode (${workers} workers)`, port, rootPid: pm2.pid, reload: () => pm2.reload() };
}
