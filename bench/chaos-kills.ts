// One SIGKILL of the chaos run, of each kind: a random worker, a random master,
// or the emperor (then started again on the same directory). Each exposes the
// requests it may take down, waits until every process it kills is gone (the
// parent-death signal takes the descendants: a survivor is an orphan), and
// measures how long each vassal it hit takes to be ready again.
import type { ChaosLoad } from './chaos-load.js';
import type { Kill, KillKind } from './chaos-ledger.js';
import type { Fleet, FleetVassal } from './chaos-fleet.js';
import { isGone, type PidRegistry } from './chaos-procs.js';
import { pick } from './chaos-random.js';
import { childrenOf, descendantsOf, isAlive } from './lib/proc-stats.js';
import { killLeftovers } from './lib/tracked-process.js';

/** How long one vassal took to be ready again after a kill that hit it. */
export interface Recovery {
  readonly kind: KillKind;
  readonly vassal: string;
  readonly ms: number;
}

/** What every kill needs and records into. */
export interface KillContext {
  readonly fleet: Fleet;
  readonly load: ChaosLoad;
  readonly registry: PidRegistry;
  readonly random: () => number;
  readonly recoveryBoundMs: number;
  readonly kills: Kill[];
  readonly recoveries: Recovery[];
  /** processes that outlived their killed parent */
  readonly orphans: string[];
}

const GONE_WITHIN_MS = 10_000;

/** SIGKILL `target`, exposing the requests to `vassals` on any of `pids`; resolves once they are all gone. */
async function killAndWait(context: KillContext, kind: KillKind, target: number, vassals: readonly FleetVassal[], pids: readonly number[]): Promise<Kill> {
  const kill: Kill = { id: context.kills.length + 1, kind, ports: new Set(vassals.map((v) => v.port)), pids: new Set(pids), at: Date.now(), inflight: 0, failed: 0, refused: 0 };
  context.kills.push(kill);
  context.load.open(kill);
  if (kind !== 'worker') for (const port of kill.ports) context.load.ledger.markDown(port, kill);
  process.kill(target, 'SIGKILL');
  const deadline = Date.now() + GONE_WITHIN_MS;
  while (!pids.every(isGone) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  const left = pids.filter((pid) => !isGone(pid));
  if (left.length > 0) {
    context.orphans.push(`${kind} kill #${kill.id}: ${left.join(', ')} still alive ${GONE_WITHIN_MS} ms after ${target} was killed`);
    await killLeftovers(left);
  }
  context.load.close(kill);
  return kill;
}

async function killWorker(context: KillContext): Promise<void> {
  const vassal = pick(context.random, context.fleet.vassals);
  const master = context.fleet.masterOf(vassal.name);
  const workers = childrenOf(master).filter(isAlive).sort((a, b) => a - b);
  if (workers.length === 0) throw new Error(`${vassal.name}: master ${master} has no worker to kill`);
  const worker = pick(context.random, workers);
  context.registry.addTree(master, `master of ${vassal.name}`);
  const from = context.fleet.current.lines.length;
  const kill = await killAndWait(context, 'worker', worker, [vassal], [worker, ...descendantsOf(worker)]);
  await context.fleet.workerReady(master, from, new Set(workers), context.recoveryBoundMs);
  context.recoveries.push({ kind: 'worker', vassal: vassal.name, ms: Date.now() - kill.at });
  context.registry.addTree(master, `master of ${vassal.name}`);
}

async function killMaster(context: KillContext): Promise<void> {
  const vassal = pick(context.random, context.fleet.vassals);
  const master = context.fleet.masterOf(vassal.name);
  context.registry.addTree(master, `master of ${vassal.name}`);
  const from = context.fleet.current.lines.length;
  const kill = await killAndWait(context, 'master', master, [vassal], [master, ...descendantsOf(master)]);
  const ready = await context.fleet.ready(vassal.name, from, context.recoveryBoundMs, master);
  context.load.ledger.markUp(vassal.port);
  context.recoveries.push({ kind: 'master', vassal: vassal.name, ms: Date.now() - kill.at });
  context.registry.addTree(Number(ready.masterPid), `master of ${vassal.name}`);
}

async function killEmperor(context: KillContext): Promise<void> {
  const emperor = context.fleet.current.pid;
  context.registry.addTree(emperor, 'emperor');
  const kill = await killAndWait(context, 'emperor', emperor, context.fleet.vassals, [emperor, ...descendantsOf(emperor)]);
  await context.fleet.start();
  await Promise.all(
    context.fleet.vassals.map(async (vassal) => {
      await context.fleet.ready(vassal.name, 0, context.recoveryBoundMs);
      context.load.ledger.markUp(vassal.port);
      context.recoveries.push({ kind: 'emperor', vassal: vassal.name, ms: Date.now() - kill.at });
    }),
  );
  context.registry.addTree(context.fleet.current.pid, 'emperor');
}

/** The kill of each kind. */
export const KILLS: Readonly<Record<KillKind, (context: KillContext) => Promise<void>>> = {
  worker: killWorker,
  master: killMaster,
  emperor: killEmperor,
};
