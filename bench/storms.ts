// npm run storms [-- --files N] [--events N]
// The long form of the file-event storm tests, with real uwemperor and fake
// masters: N vassal files (default 1,000) created at once, then N touches and
// N rewrites of one file in a second. Prints how long the start took, the most
// masters starting at once, and the reloads each storm caused. Each fake
// master is a Node process (~42 MB): 1,000 need some 45 GiB of memory.
import { writeFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { killAll, type SpawnedCli } from '../test/helpers/spawned-cli.js';
import { count, startEmperor, VassalDir, waitForState } from '../test/integration/emperor-harness.js';
import { createStorm, maxStarting, touchStorm, writeStorm } from '../test/integration/emperor-storms-harness.js';

function option(flag: string, fallback: number): number {
  const index = process.argv.indexOf(flag);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${flag}: expected an integer >= 1`);
  return value;
}

const files = option('--files', 1_000);
const events = option('--events', 1_000);
const CONCURRENCY = 4;
/** A fake master is a whole Node process: about 42 MB resident each, measured with 100 of them. */
const MASTER_BYTES = 45 * 1024 * 1024;
if (files * MASTER_BYTES > totalmem() * 0.8) {
  console.error(`storm: ${files} masters need about ${Math.round((files * MASTER_BYTES) / 2 ** 30)} GiB, more than this machine has; try --files ${Math.floor((totalmem() * 0.8) / MASTER_BYTES)}`);
  process.exit(2);
}

/** Reloads of v0000.ini so far, once a marker write shows that everything before it settled. */
async function settledReloads(emperor: SpawnedCli, file: string, marker: string): Promise<number> {
  writeFileSync(file, `mode = ready\nversion = ${marker}\n`);
  await emperor.waitForLog('fake master reloaded', { vassal: 'v0000.ini', content: `mode = ready\nversion = ${marker}\n` }, 1, 60_000);
  return count(emperor, 'fake master reloaded', 'v0000.ini');
}

const dir = new VassalDir();
try {
  const emperor = startEmperor(['--settle-ms', '100', '--start-concurrency', String(CONCURRENCY), dir.path]);
  await emperor.waitForLog('emperor started');
  const started = performance.now();
  const names = createStorm(dir, files);
  for (const name of names) await waitForState(emperor, name, 'ready', 1, 30 * 60_000);
  const startSeconds = (performance.now() - started) / 1000;
  const spawnedTwice = names.filter((name) => count(emperor, 'master spawned', name) !== 1);
  console.log(`storm: ${files} files created at once: all ready in ${startSeconds.toFixed(1)} s; at most ${maxStarting(emperor)} starting at once (start-concurrency ${CONCURRENCY}); ${spawnedTwice.length} spawned more than once`);

  const file = dir.file('v0000.ini');
  await touchStorm(file, events, 1_000);
  // the touches settle once they stop: wait for their reload before the marker, or the marker's write joins it
  await emperor.waitForLog('fake master reloaded', { vassal: 'v0000.ini' }, 1, 60_000);
  const afterTouches = (await settledReloads(emperor, file, 'after-touches')) - 1;
  console.log(`storm: ${events} touches in 1 s: ${afterTouches} reloads`);

  const last = await writeStorm(file, events, 1_000);
  await emperor.waitForLog('fake master reloaded', { vassal: 'v0000.ini', content: last }, 1, 60_000);
  const afterWrites = (await settledReloads(emperor, file, 'after-writes')) - afterTouches - 2;
  console.log(`storm: ${events} writes in 1 s: ${afterWrites} reloads, the last content applied`);
  console.log(`storm: master of v0000.ini spawned ${count(emperor, 'master spawned', 'v0000.ini')} time(s)`);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
} finally {
  await killAll();
  dir.remove();
}
