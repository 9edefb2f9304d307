// What the load generator is asked to do and what it reports back.
import type { Summary } from './stats.js';

export type ConnectionMode = 'keep-alive' | 'new-connection';

export interface LoadConfig {
  readonly port: number;
  readonly connections: number;
  readonly mode: ConnectionMode;
  /** 0: run until told to stop */
  readonly durationMs: number;
  /** total requests per second over all connections; 0: closed loop, as fast as answers come */
  readonly ratePerSec: number;
  readonly timeoutMs: number;
  /** record up to 2,000 requests slower than this (ms); 0: none */
  readonly slowMs?: number;
  /** send every request's time and latency back with the result (LoadResult.samples) */
  readonly record?: boolean;
}

/** Every request of a recorded run: send times (ms since the epoch) with the latencies in the same order, and the failures' send times. */
export interface LoadSamples {
  readonly sentAt: readonly number[];
  readonly ms: readonly number[];
  readonly failedAt: readonly number[];
}

export interface LoadResult {
  readonly ok: number;
  readonly failed: number;
  readonly errors: Readonly<Record<string, number>>;
  /** the first few failures: wall-clock time (ms since epoch) and kind */
  readonly firstErrors: readonly { readonly atMs: number; readonly code: string }[];
  readonly durationMs: number;
  readonly reqPerSec: number;
  /** latency of the successful requests, ms, connect included */
  readonly latency: Summary;
  readonly slowOver100ms: number;
  /** the first requests slower than LoadConfig.slowMs: when they were sent (ms since epoch) and how long they took */
  readonly slow: readonly { readonly atMs: number; readonly ms: number }[];
  /** the generator's own user+system CPU time */
  readonly cpuMs: number;
  /** with LoadConfig.record */
  readonly samples?: LoadSamples;
}
