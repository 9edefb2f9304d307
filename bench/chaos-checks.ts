// The chaos run's checks after the storm: the emperor's and masters'
// descriptor counts back to their baselines, no zombie under the emperor, and
// after a graceful stop no process the run ever saw (nor any carrying its
// marker) left.
import type { Fleet } from './chaos-fleet.js';
import { fdCount, markedProcesses, zombiesUnder, type PidRegistry } from './chaos-procs.js';

/** Open descriptors of the emperor and of each vassal's master. */
export interface Descriptors {
  readonly emperor: number | null;
  readonly masters: Readonly<Record<string, number | null>>;
}

/** Counts at the baseline and at the check. */
export interface DescriptorCheck {
  readonly baseline: Descriptors;
  readonly final: Descriptors;
}

/** What was left once the emperor stopped. */
export interface EndCheck {
  readonly seen: number;
  readonly zombies: readonly number[];
  readonly left: readonly string[];
  readonly marked: readonly number[];
}

const SETTLE_MS = 15_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function count(fleet: Fleet): Descriptors {
  const masters: Record<string, number | null> = {};
  for (const vassal of fleet.vassals) masters[vassal.name] = fdCount(fleet.masterOf(vassal.name));
  return { emperor: fdCount(fleet.current.pid), masters };
}

const same = (a: Descriptors, b: Descriptors): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The counts once they held still for half a second (a master may still be closing a worker's pipes). */
export async function descriptorBaseline(fleet: Fleet): Promise<Descriptors> {
  let last = count(fleet);
  for (const deadline = Date.now() + SETTLE_MS; Date.now() < deadline; ) {
    await sleep(500);
    const now = count(fleet);
    if (same(now, last)) return now;
    last = now;
  }
  return last;
}

/**
 * Wait (at most `settleMs`) for every count to be back to its baseline; a count that stays off is a
 * problem. Checked before each kill too: a kill of the emperor replaces every process, and with them their leaks.
 */
export async function checkDescriptors(fleet: Fleet, baseline: Descriptors, problems: string[], when = 'after the storm', settleMs = SETTLE_MS): Promise<DescriptorCheck> {
  let final = count(fleet);
  for (const deadline = Date.now() + settleMs; !same(final, baseline) && Date.now() < deadline; final = count(fleet)) await sleep(200);
  if (!same(final, baseline)) problems.push(`descriptors ${when} not back to their baselines: ${JSON.stringify(baseline)} then ${JSON.stringify(final)}`);
  return { baseline, final };
}

/** No zombie under the emperor; SIGTERM it; then nothing the run saw, nothing with its marker, is left. */
export async function stopAndCheck(fleet: Fleet, registry: PidRegistry, marker: string, problems: string[]): Promise<EndCheck> {
  const emperor = fleet.current;
  let zombies = zombiesUnder(emperor.pid);
  for (const deadline = Date.now() + 5_000; zombies.length > 0 && Date.now() < deadline; zombies = zombiesUnder(emperor.pid)) await sleep(100);
  if (zombies.length > 0) problems.push(`zombies under the emperor: ${zombies.join(', ')}`);
  registry.addTree(emperor.pid, 'emperor');
  emperor.signal('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([emperor.exited, new Promise<null>((resolve) => (timer = setTimeout(resolve, 60_000, null)))]);
  clearTimeout(timer);
  if (exit === null) problems.push('the emperor did not stop within 60 s of SIGTERM');
  let left = registry.left();
  for (const deadline = Date.now() + 10_000; left.length > 0 && Date.now() < deadline; left = registry.left()) await sleep(100);
  if (left.length > 0) problems.push(`processes left after the emperor stopped: ${left.join('; ')}`);
  const marked = markedProcesses(marker);
  if (marked.length > 0) problems.push(`processes with the run's marker left: ${marked.join(', ')}`);
  return { seen: registry.size, zombies, left, marked };
}
