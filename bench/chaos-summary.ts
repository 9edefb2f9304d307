// What a chaos run found, and its summary in a few lines a closing note can
// quote: processes killed by kind, recoveries and how fast, requests failed vs
// in flight, refused connections, descriptors, processes left.
import type { ChaosOptions } from './chaos-run.js';
import type { DescriptorCheck, EndCheck } from './chaos-checks.js';
import type { FleetVassal } from './chaos-fleet.js';
import type { ChaosLedger, Kill, KillKind } from './chaos-ledger.js';
import type { Recovery } from './chaos-kills.js';
import { median } from './lib/stats.js';

/** Everything a run found; `problems` empty means every check passed. */
export interface ChaosResult {
  readonly options: ChaosOptions;
  readonly vassals: readonly FleetVassal[];
  readonly kills: readonly Kill[];
  readonly recoveries: readonly Recovery[];
  readonly ledger: ChaosLedger;
  readonly descriptors: DescriptorCheck;
  readonly end: EndCheck;
  /** empty when every check passed */
  readonly problems: readonly string[];
  readonly elapsedMs: number;
}

const KINDS: readonly KillKind[] = ['worker', 'master', 'emperor'];
const int = (n: number): string => n.toLocaleString('en-US');
const ms = (n: number): string => (n >= 1_000 ? `${(n / 1_000).toFixed(1)} s` : `${Math.round(n)} ms`);

function recoveryLine(recoveries: readonly Recovery[], boundMs: number): string {
  const all = recoveries.map((r) => r.ms);
  const over = all.filter((t) => t > boundMs).length;
  if (all.length === 0) return 'recovered: none';
  const byKind = KINDS.map((kind) => {
    const times = recoveries.filter((r) => r.kind === kind).map((r) => r.ms);
    return times.length === 0 ? null : `${kind} ${ms(median(times))} / ${ms(Math.max(...times))}`;
  }).filter((part) => part !== null);
  return `recovered: ${all.length} vassal recoveries, ${over === 0 ? 'all' : `${over} not`} within the ${ms(boundMs)} bound; median ${ms(median(all))}, max ${ms(Math.max(...all))} (median / max after a ${byKind.join(', ')} kill)`;
}

function requestLine(result: ChaosResult): string {
  const sum = (pick: (kill: Kill) => number, kinds: readonly KillKind[] = KINDS): number => result.kills.filter((k) => kinds.includes(k.kind)).reduce((n, k) => n + pick(k), 0);
  const failed = sum((k) => k.failed) + sum((k) => k.refused) + result.ledger.unexplained.length;
  const perKind = KINDS.map((kind) => `${kind} kills ${sum((k) => k.failed, [kind])} of ${sum((k) => k.inflight, [kind])}`).join(', ');
  return [
    `requests: ${int(result.ledger.ok)} ok, ${int(failed)} failed: ${sum((k) => k.failed)} of the ${sum((k) => k.inflight)} in flight on killed processes (${perKind}),`,
    `  ${sum((k) => k.refused)} connections refused while a vassal had no master (master and emperor kills), ${result.ledger.unexplained.length} unexplained`,
  ].join('\n');
}

function descriptorLine(check: DescriptorCheck): string {
  const pair = (a: number | null | undefined, b: number | null | undefined): string => (a === b ? `${a}` : `${a} -> ${b}`);
  const masters = Object.keys(check.baseline.masters).map((name) => `${name} ${pair(check.baseline.masters[name], check.final.masters[name])}`);
  return `descriptors (baseline -> after the storm): emperor ${pair(check.baseline.emperor, check.final.emperor)}; masters ${masters.join(', ')}`;
}

/** The summary, a few lines. */
export function formatChaos(result: ChaosResult): string {
  const { options, vassals } = result;
  const counts = KINDS.map((kind) => `${result.kills.filter((k) => k.kind === kind).length} ${kind}s`).join(', ');
  const died = result.kills.reduce((n, k) => n + k.pids.size, 0);
  const modules = vassals.filter((v) => v.kind === 'module').length;
  return [
    `chaos: seed ${options.seed}, ${ms(result.elapsedMs)}; ${vassals.length} vassals (${modules} module, ${vassals.length - modules} exec; 2 workers each); load per vassal: ${options.load.keepAlive} keep-alive + ${options.load.fresh} new-connection clients, ${options.load.gapMs} ms between requests`,
    `killed (SIGKILL): ${counts}; ${died} processes died with them (parent-death signal)`,
    recoveryLine(result.recoveries, options.recoveryBoundMs),
    requestLine(result),
    descriptorLine(result.descriptors),
    `processes: ${result.end.seen} seen, ${result.end.left.length} left after the emperor stopped, ${result.end.zombies.length} zombies, ${result.end.marked.length} with the run's marker`,
    result.problems.length === 0 ? 'verdict: every check passed' : `PROBLEMS:\n${result.problems.map((p) => `  - ${p}`).join('\n')}`,
  ].join('\n');
}
