// The chaos run shared by `npm run chaos` and its short form in `npm test`: a
// real uwemperor on a directory of vassals under HTTP load, a seeded random
// schedule of SIGKILLs of workers, masters and the emperor, then the checks:
// every vassal ready again within a bound, only requests in flight on a killed
// process failed, descriptors back to their baselines, no process left.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fleet, writeFleet, type FleetVassal } from './chaos-fleet.js';
import { KILLS, type KillContext } from './chaos-kills.js';
import { ChaosLoad, type LoadShape } from './chaos-load.js';
import type { Kill, KillKind, Unexplained } from './chaos-ledger.js';
import { PidRegistry } from './chaos-procs.js';
import { seededRandom } from './chaos-random.js';
import { checkDescriptors, descriptorBaseline, stopAndCheck, type Descriptors } from './chaos-checks.js';
import type { ChaosResult } from './chaos-summary.js';
import { ProcessSet } from './lib/process-set.js';
import { killLeftovers, type TrackedProcess } from './lib/tracked-process.js';

/** A run's shape: seed, duration, vassals, load and the recovery bound. */
export interface ChaosOptions {
  readonly seed: number;
  /** no kill is started after this long (the last recovery may run past it) */
  readonly durationMs: number;
  /** module vassals (plus one exec vassal) */
  readonly modules: number;
  readonly load: LoadShape;
  /** each vassal a kill hit must be ready again within this */
  readonly recoveryBoundMs: number;
  readonly progress: (message: string) => void;
  /** write every emperor's (and its masters') log lines there at the end */
  readonly logFile?: string;
}

/** Kill kinds by weight; the second kill is a master and the fourth the emperor if none came before. */
function nextKind(random: () => number, index: number, done: readonly KillKind[]): KillKind {
  if (index === 1 && !done.includes('master')) return 'master';
  if (index === 3 && !done.includes('emperor')) return 'emperor';
  const draw = random();
  return draw < 0.55 ? 'worker' : draw < 0.85 ? 'master' : 'emperor';
}

async function storm(context: KillContext, options: ChaosOptions, baseline: Descriptors, problems: string[]): Promise<void> {
  const end = Date.now() + options.durationMs;
  while (Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 500 + Math.floor(context.random() * 2_000)));
    await checkDescriptors(context.fleet, baseline, problems, `before kill #${context.kills.length + 1}`, 3_000);
    const kind = nextKind(context.random, context.kills.length, context.kills.map((kill) => kill.kind));
    options.progress(`kill #${context.kills.length + 1}: ${kind}`);
    await KILLS[kind](context);
  }
}

/** The failures no kill explains, each with the kill just before it (times relative to that kill's SIGKILL). */
function unexplained(failures: readonly Unexplained[], kills: readonly Kill[], vassals: readonly FleetVassal[]): string {
  const lines = failures.slice(0, 8).map((failure) => {
    const before = kills.filter((kill) => kill.at <= failure.sentAt).at(-1);
    const vassal = vassals.find((v) => v.port === failure.port)?.name ?? failure.port;
    const since = before === undefined ? 'before any kill' : `sent ${failure.sentAt - before.at} ms after kill #${before.id} (${before.kind}, gone after ${(before.goneAt ?? 0) - before.at} ms)`;
    return `${vassal} ${failure.mode} ${failure.code}: ${since}, failed ${failure.failedAt - failure.sentAt} ms later`;
  });
  return `${failures.length} failed requests were in flight on no killed process:\n    ${lines.join('\n    ')}`;
}

/** Run the whole scenario in a temporary directory; every process it started is gone when it resolves. */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const dir = mkdtempSync(join(tmpdir(), 'uw-chaos-'));
  const marker = `UW_CHAOS_RUN=${process.pid}-${options.seed}-${Date.now()}`;
  const env = { ...process.env, UW_CHAOS_RUN: marker.split('=')[1], UWEMPEROR_CONTROL: join(dir, 'control.sock') };
  const processes = new ProcessSet();
  const registry = new PidRegistry();
  const problems: string[] = [];
  const started = Date.now();
  let load: ChaosLoad | null = null;
  const emperors: TrackedProcess[] = [];
  try {
    const vassals = await writeFleet(dir, options.modules);
    const fleet = new Fleet(processes, dir, vassals, env, emperors);
    await fleet.start();
    await Promise.all(vassals.map((vassal) => fleet.ready(vassal.name, 0, options.recoveryBoundMs * 2)));
    registry.addTree(fleet.current.pid, 'emperor');
    const baseline = await descriptorBaseline(fleet);
    options.progress(`ready: ${vassals.length} vassals, ${registry.size} processes; storm for ${options.durationMs / 1000} s`);
    load = new ChaosLoad(vassals.map((vassal) => vassal.port), options.load);
    const context: KillContext = { fleet, load, registry, random: seededRandom(options.seed), recoveryBoundMs: options.recoveryBoundMs, kills: [], recoveries: [], orphans: [] };
    try {
      await storm(context, options, baseline, problems);
    } catch (err) {
      problems.push(`storm stopped: ${(err as Error).message}`);
    }
    await load.stop();
    const descriptors = await checkDescriptors(fleet, baseline, problems);
    const end = await stopAndCheck(fleet, registry, marker.split('=')[1] ?? marker, problems);
    problems.push(...context.orphans);
    if (load.ledger.unexplained.length > 0) problems.push(unexplained(load.ledger.unexplained, context.kills, vassals));
    const slow = context.recoveries.filter((r) => r.ms > options.recoveryBoundMs);
    if (slow.length > 0) problems.push(`recoveries over ${options.recoveryBoundMs} ms: ${JSON.stringify(slow)}`);
    return { options, vassals, kills: context.kills, recoveries: context.recoveries, ledger: load.ledger, descriptors, end, problems, elapsedMs: Date.now() - started };
  } finally {
    if (options.logFile !== undefined) writeFileSync(options.logFile, emperors.flatMap((e) => e.lines.map((line) => JSON.stringify(line))).join('\n'));
    if (load !== null) await load.stop();
    await processes.stopAll(5_000);
    // only the PIDs still ours (same start time): never a reused PID
    await killLeftovers(registry.livePids());
    rmSync(dir, { recursive: true, force: true });
  }
}
