// Shared by the storm tests and `npm run storms`: many vassal files created at
// once, and the most masters the emperor had starting at one time.
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
