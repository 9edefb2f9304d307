// uWSGI side by side, a fleet: N 1-worker hello vassals written before the
// emperor starts, under uwemperor and under uWSGI's Emperor in turn: time until
// every port answers 200, CPU spent by then, PSS per vassal and threads (past
// V8's memory reducer, ~8 s after start), then CPU while idle.
import { freePort } from '../test/helpers/free-port.js';
import { withoutCa } from './lib/env.js';
import { getOnce } from './lib/http-probe.js';
import { EMPEROR_BIN } from './lib/paths.js';
import { cpuSeconds, cpuSecondsOf, descendantsOf } from './lib/proc-stats.js';
import { ProcessSet } from './lib/process-set.js';
import { sleep, withTempDir } from './lib/temp-dir.js';
import { startUwsgiEmperor, writeUwsgiVassal, writeUwVassal } from './lib/uwsgi.js';
import { emperorTreeMemory, type TreeMemory } from './lib/vassal-tree.js';

export type FleetSystem = 'uwemperor' | 'uWSGI';

export interface FleetRun {
  readonly system: FleetSystem;
  readonly n: number;
  /** emperor spawned -> every port answered 200 */
  readonly servingMs: number;
  /** CPU of the emperor and everything under it, spawn -> all serving */
  readonly startCpuMs: number;
  readonly memory: TreeMemory;
  /** % of one core while idle: the emperor alone, and the whole tree */
  readonly idleEmperorPct: number;
  readonly idleTreePct: number;
}

/** Resolves once every port answered 200, probing the rest every 20 ms. */
async function allServing(ports: readonly number[], timeoutMs: number): Promise<void> {
  let waiting = [...ports];
  const deadline = Date.now() + timeoutMs;
  while (waiting.length > 0) {
    if (Date.now() > deadline) throw new Error(`${waiting.length} of ${ports.length} ports still not serving after ${timeoutMs} ms`);
    const answers = await Promise.all(waiting.map((port) => getOnce(port, 2_000)));
    waiting = waiting.filter((_, i) => { const a = answers[i]; return !(a !== undefined && 'status' in a && a.status === 200); });
    if (waiting.length > 0) await sleep(20);
  }
}

/** `n` loopback ports free a moment ago, all different (the kernel may hand out one twice in a row). */
async function distinctFreePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

/** One fleet of `n` vassals under `system`. */
export async function fleetRun(system: FleetSystem, n: number, idleMs: number): Promise<FleetRun> {
  return withTempDir(`uwsgi-fleet-${system}`, async (dir) => {
    const ports = await distinctFreePorts(n);
    for (const [i, port] of ports.entries()) {
      (system === 'uWSGI' ? writeUwsgiVassal : writeUwVassal)(`${dir}/v${String(i).padStart(4, '0')}.ini`, port);
    }
    const processes = new ProcessSet();
    try {
      const started = Date.now();
      const emperor = system === 'uWSGI' ? startUwsgiEmperor(processes, dir) : processes.spawn('uwemperor', process.execPath, [EMPEROR_BIN, dir], { env: withoutCa() });
      // generous: on a loaded 2-core machine uWSGI took 146 s for 100 (load average 60)
      await allServing(ports, 60_000 + n * 3_000);
      const servingMs = Date.now() - started;
      const tree = [emperor.pid, ...descendantsOf(emperor.pid)];
      const startCpuMs = cpuSecondsOf(tree) * 1000;
      await sleep(10_000);
      const memory = emperorTreeMemory(emperor.pid);
      const before = { emperor: cpuSeconds(emperor.pid), tree: cpuSecondsOf(tree), at: Date.now() };
      await sleep(idleMs);
      const seconds = (Date.now() - before.at) / 1000;
      return {
        system, n, servingMs, startCpuMs, memory,
        idleEmperorPct: ((cpuSeconds(emperor.pid) - before.emperor) / seconds) * 100,
        idleTreePct: ((cpuSecondsOf(tree) - before.tree) / seconds) * 100,
      };
    } finally {
      await processes.stopAll(60_000);
    }
  });
}

/** `rounds` rounds, each running both systems, the first one alternating. */
export async function fleetSideBySide(n: number, rounds: number, idleMs: number, progress: (message: string) => void): Promise<FleetRun[]> {
  const out: FleetRun[] = [];
  for (let round = 0; round < rounds; round++) {
    const systems: FleetSystem[] = round % 2 === 0 ? ['uWSGI', 'uwemperor'] : ['uwemperor', 'uWSGI'];
    for (const system of systems) {
      progress(`uwsgi: ${n} vassals under ${system}, round ${round + 1}/${rounds}`);
      const run = await fleetRun(system, n, idleMs);
      progress(`uwsgi: ${n} vassals under ${system} serving in ${(run.servingMs / 1000).toFixed(1)} s`);
      out.push(run);
    }
  }
  return out;
}
