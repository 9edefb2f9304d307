// uWSGI side by side, reaction: the same 1-worker hello vassal under uwemperor
// and under uWSGI's Emperor (scanning every 3 s, its default, and every 1 s),
// interleaved run by run: file created -> first 200; touch -> first response
// from a new worker; rm -> port refuses. uWSGI compares mtimes in whole seconds,
// so every touch (under all three) waits for the next whole second.
import { mkdirSync, unlinkSync } from 'node:fs';
import { freePort } from '../test/helpers/free-port.js';
import { startEmperor } from './lib/emperor.js';
import { withoutCa } from './lib/env.js';
import { connectOnce, getOnce, pidInBody, pollUntil } from './lib/http-probe.js';
import type { ProcessSet } from './lib/process-set.js';
import { sleep } from './lib/temp-dir.js';
import { startUwsgiEmperor, writeUwsgiVassal, writeUwVassal } from './lib/uwsgi.js';
import { touch } from './lib/emperor.js';

const POLL_MS = 5;
const STEP_TIMEOUT_MS = 20_000;

export interface ReactionRun {
  readonly createTo200: number;
  readonly touchToNewWorker: number;
  readonly rmToRefused: number;
}

/** One emperor under test, and the runs measured on it. */
export interface ReactionSide {
  readonly label: string;
  readonly dir: string;
  readonly write: (path: string, port: number) => void;
  readonly runs: ReactionRun[];
}

async function oneRun(side: ReactionSide, name: string): Promise<ReactionRun> {
  const port = await freePort();
  const file = `${side.dir}/${name}`;
  const created = Date.now();
  side.write(file, port);
  const first = await pollUntil(async () => pidInBody(await getOnce(port)), POLL_MS, STEP_TIMEOUT_MS, `${side.label} ${name} first 200`);
  await sleep(1_005 - (Date.now() % 1_000));
  const touched = Date.now();
  touch(file);
  const fresh = await pollUntil(async () => {
    const pid = pidInBody(await getOnce(port));
    return pid !== undefined && pid !== first.value ? pid : undefined;
  }, POLL_MS, STEP_TIMEOUT_MS, `${side.label} ${name} new worker`);
  const removed = Date.now();
  unlinkSync(file);
  const refused = await pollUntil(async () => ((await connectOnce(port)) === 'refused' ? true : undefined), POLL_MS, STEP_TIMEOUT_MS, `${side.label} ${name} refused`);
  return { createTo200: first.at - created, touchToNewWorker: fresh.at - touched, rmToRefused: refused.at - removed };
}

/** Start the three emperors (each proven up by a first run), then `runs` rounds in rotating order. */
export async function reactionSideBySide(processes: ProcessSet, root: string, runs: number, progress: (message: string) => void): Promise<ReactionSide[]> {
  const sides: ReactionSide[] = [];
  const add = async (label: string, write: ReactionSide['write'], start: (dir: string) => Promise<unknown>): Promise<void> => {
    const dir = `${root}/${sides.length}`;
    mkdirSync(dir);
    await start(dir);
    const side = { label, dir, write, runs: [] };
    await oneRun(side, 'warm-up.ini');
    sides.push(side);
  };
  await add('uwemperor (defaults)', writeUwVassal, (dir) => startEmperor(processes, dir, [], withoutCa()));
  await add('uWSGI Emperor (default scan, 3 s)', writeUwsgiVassal, (dir) => Promise.resolve(startUwsgiEmperor(processes, dir)));
  await add('uWSGI Emperor --emperor-freq 1', writeUwsgiVassal, (dir) => Promise.resolve(startUwsgiEmperor(processes, dir, 1)));
  for (let i = 0; i < runs; i++) {
    progress(`uwsgi: reaction round ${i + 1}/${runs}`);
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(i + k) % sides.length] as ReactionSide;
      side.runs.push(await oneRun(side, `r${i}.ini`));
    }
  }
  return sides;
}
