// uWSGI side by side, reload under load: a 2-worker hello vassal under a fixed
// request rate (a new connection per request: uWSGI's http-socket closes after
// each response), steady state first, then graceful reloads by SIGHUP to a
// standalone master and by touch of the vassal file under each Emperor.
// A reload counts as done once a worker that was not serving before answers.
import { mkdirSync } from 'node:fs';
import { freePort } from '../test/helpers/free-port.js';
import { startEmperor, touch } from './lib/emperor.js';
import { withoutCa } from './lib/env.js';
import { getOnce, pidInBody, pollUntil } from './lib/http-probe.js';
import { runLoad, startLoad } from './lib/load.js';
import type { LoadConfig, LoadResult } from './lib/load-types.js';
import { ProcessSet } from './lib/process-set.js';
import { startUw } from './lib/servers.js';
import { sleep } from './lib/temp-dir.js';
import { startUwsgiEmperor, startUwsgiMaster, writeUwsgiVassal, writeUwVassal } from './lib/uwsgi.js';

export const RELOAD_RATE = 1_000;
export const RELOAD_CONNECTIONS = 16;

export interface ReloadOutcome {
  readonly system: 'uwemperor' | 'uWSGI';
  readonly how: 'SIGHUP' | 'touch';
  readonly steady: LoadResult;
  readonly reloading: LoadResult;
  /** trigger -> first answer from a new worker, per reload */
  readonly switchMs: readonly number[];
}

/** The PIDs that answer `samples` GETs in a row. */
async function servingPids(port: number, samples = 12): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < samples; i++) {
    const pid = pidInBody(await getOnce(port));
    if (pid !== undefined) pids.add(pid);
  }
  return pids;
}

async function underLoad(processes: ProcessSet, port: number, reloads: number, steadyMs: number, trigger: () => Promise<void>): Promise<Omit<ReloadOutcome, 'system' | 'how'>> {
  await pollUntil(async () => pidInBody(await getOnce(port)), 20, 30_000, `serving on ${port}`);
  const config: LoadConfig = { port, connections: RELOAD_CONNECTIONS, mode: 'new-connection', durationMs: steadyMs, ratePerSec: RELOAD_RATE, timeoutMs: 30_000 };
  const steady = await runLoad(processes, config);
  const load = startLoad(processes, { ...config, durationMs: 0 });
  const switchMs: number[] = [];
  try {
    await sleep(300);
    for (let i = 0; i < reloads; i++) {
      const before = await servingPids(port);
      const at = await trigger().then(() => Date.now());
      const fresh = await pollUntil(async () => {
        const pid = pidInBody(await getOnce(port, 30_000));
        return pid !== undefined && !before.has(pid) ? pid : undefined;
      }, 5, 60_000, `a new worker on ${port}`);
      switchMs.push(fresh.at - at);
      // the old workers drain and exit; the next reload starts from a settled vassal
      await sleep(1_500);
    }
  } finally {
    await load.stop().catch(() => undefined);
  }
  return { steady, reloading: await load.result, switchMs };
}

/** touch `file` at the start of the next whole second (uWSGI sees mtimes in whole seconds). */
async function touchOnSecond(file: string): Promise<void> {
  await sleep(1_005 - (Date.now() % 1_000));
  touch(file);
}

async function each(system: ReloadOutcome['system'], how: ReloadOutcome['how'], root: string, reloads: number, steadyMs: number): Promise<ReloadOutcome> {
  const processes = new ProcessSet();
  try {
    const port = await freePort();
    if (how === 'SIGHUP') {
      const master = system === 'uwemperor' ? await startUw(processes, 2, withoutCa()) : { port, process: startUwsgiMaster(processes, port, 2) };
      return { system, how, ...(await underLoad(processes, master.port, reloads, steadyMs, () => Promise.resolve(master.process.signal('SIGHUP')))) };
    }
    const dir = `${root}/${system}-${how}`;
    mkdirSync(dir);
    const file = `${dir}/app.ini`;
    if (system === 'uwemperor') {
      await startEmperor(processes, dir, [], withoutCa());
      writeUwVassal(file, port, 2);
    } else {
      startUwsgiEmperor(processes, dir, 1);
      writeUwsgiVassal(file, port, 2);
    }
    return { system, how, ...(await underLoad(processes, port, reloads, steadyMs, () => touchOnSecond(file))) };
  } finally {
    await processes.stopAll(35_000);
  }
}

/** SIGHUP then touch; within each, the two systems in turn (uWSGI first, then the other way round). */
export async function reloadSideBySide(root: string, reloads: number, steadyMs: number, progress: (message: string) => void): Promise<ReloadOutcome[]> {
  const out: ReloadOutcome[] = [];
  const order: [ReloadOutcome['how'], ReloadOutcome['system'][]][] = [['SIGHUP', ['uWSGI', 'uwemperor']], ['touch', ['uwemperor', 'uWSGI']]];
  for (const [how, systems] of order) {
    for (const system of systems) {
      progress(`uwsgi: ${reloads} reloads by ${how}, ${system}`);
      out.push(await each(system, how, root, reloads, steadyMs));
    }
  }
  return out;
}
