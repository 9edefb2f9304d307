// Shared by the storm tests and `npm run storms`: many vassal files created at
// once, and the most masters the emperor had starting at one time.
import { utimesSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SpawnedCli } from '../helpers/spawned-cli.js';
import type { VassalDir } from './emperor-harness.js';

/** Write `n` fake-master vassal files as fast as possible; their names. */
export function createStorm(dir: VassalDir, n: number, readyDelayMs = 20): string[] {
  const names = Array.from({ length: n }, (_, i) => `v${String(i).padStart(4, '0')}.ini`);
  for (const name of names) dir.write(name, `mode = ready\nready-delay-ms = ${readyDelayMs}\n`);
  return names;
}

/** The most masters between 'master spawned' and leaving 'starting', from the emperor's log. */
export function maxStarting(emperor: SpawnedCli): number {
  let starting = 0;
  let most = 0;
  for (const line of emperor.lines) {
    if (line.msg === 'master spawned') most = Math.max(most, ++starting);
    if (line.msg === 'vassal state' && line.from === 'starting') starting--;
  }
  return most;
}

/** `n` touches (mtime only) of `file`, spread evenly over about `ms`. */
export async function touchStorm(file: string, n: number, ms: number): Promise<void> {
  await spread(n, ms, () => {
    const now = new Date();
    utimesSync(file, now, now);
  });
}

/** `n` rewrites of `file` (`version = 1` to `n`), spread evenly over about `ms`; the last content. */
export async function writeStorm(file: string, n: number, ms: number): Promise<string> {
  await spread(n, ms, (i) => writeFileSync(file, `mode = ready\nversion = ${i + 1}\n`));
  return `mode = ready\nversion = ${n}\n`;
}

/** Run `act` n times, yielding every 10 so that the whole takes about `ms`. */
async function spread(n: number, ms: number, act: (i: number) => void): Promise<void> {
  const end = Date.now() + ms;
  for (let i = 0; i < n; i++) {
    act(i);
    if (i % 10 === 9) await sleep(Math.max(0, (end - Date.now()) / Math.max(1, (n - i - 1) / 10)));
  }
}
