// Reload latency compared like with like: one client run alternates a steady
// slice and a reload slice (from the trigger until the last old worker exited,
// plus a tail), so every reload has a steady neighbour measured on the same
// connections a moment before. Each round gives its own ratio (reload p99 over
// steady p99); the verdict is the median ratio over the rounds, which one noisy
// slice on a shared machine cannot move.
import { median, summarize, type Summary } from './stats.js';
import type { LoadSamples } from './load-types.js';

/** A time window, ms since the epoch, `to` excluded. */
export interface Window {
  readonly from: number;
  readonly to: number;
}

/** One steady slice and the reload slice right after it. */
export interface Round {
  readonly steady: Window;
  readonly reload: Window;
}

/** What the requests sent in one window measured. */
export interface SliceFigures {
  readonly latency: Summary;
  readonly failed: number;
  /** the requests slower than `slowOver` ms (reload slices: twice the round's steady p99) */
  readonly slow: readonly { readonly atMs: number; readonly ms: number }[];
}

export interface RoundFigures {
  readonly steady: SliceFigures;
  readonly reload: SliceFigures;
  /** reload p99 / steady p99 of this round */
  readonly ratio: number;
}

export interface RoundsSummary {
  readonly rounds: readonly RoundFigures[];
  readonly medianRatio: number;
  readonly minRatio: number;
  readonly maxRatio: number;
  readonly medianSteadyP99: number;
  readonly medianReloadP99: number;
  /** every steady request of the run, and every request sent during a reload, each pooled */
  readonly pooledSteady: Summary;
  readonly pooledReload: Summary;
}

/** The requests of `samples` sent within `window`: latencies, failures, and those slower than `slowOver`. */
export function sliceOf(samples: LoadSamples, window: Window, slowOver = Number.POSITIVE_INFINITY): SliceFigures {
  const inside = (at: number): boolean => at >= window.from && at < window.to;
  const latencies: number[] = [];
  const slow: { atMs: number; ms: number }[] = [];
  samples.sentAt.forEach((at, index) => {
    if (!inside(at)) return;
    const ms = samples.ms[index] ?? Number.NaN;
    latencies.push(ms);
    if (ms > slowOver) slow.push({ atMs: at, ms });
  });
  return { latency: summarize(latencies), failed: samples.failedAt.filter(inside).length, slow };
}

/** Each round's figures, the median ratio over the rounds, and the pooled slices. */
export function summarizeRounds(samples: LoadSamples, rounds: readonly Round[]): RoundsSummary {
  const figures = rounds.map((round): RoundFigures => {
    const steady = sliceOf(samples, round.steady);
    const reload = sliceOf(samples, round.reload, 2 * steady.latency.p99);
    return { steady, reload, ratio: reload.latency.p99 / steady.latency.p99 };
  });
  // a slice without a single answer (a starved client) has no p99: its round has no ratio
  const ratios = figures.map((round) => round.ratio).filter(Number.isFinite);
  const pooled = (pick: (round: Round) => Window): Summary => {
    const windows = rounds.map(pick);
    return summarize(samples.ms.filter((_, index) => windows.some((w) => (samples.sentAt[index] ?? Number.NaN) >= w.from && (samples.sentAt[index] ?? Number.NaN) < w.to)));
  };
  return {
    rounds: figures,
    medianRatio: median(ratios),
    minRatio: Math.min(...ratios),
    maxRatio: Math.max(...ratios),
    medianSteadyP99: median(figures.map((round) => round.steady.latency.p99).filter(Number.isFinite)),
    medianReloadP99: median(figures.map((round) => round.reload.latency.p99).filter(Number.isFinite)),
    pooledSteady: pooled((round) => round.steady),
    pooledReload: pooled((round) => round.reload),
  };
}
