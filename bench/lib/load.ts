// Parent side of the load generator: fork it as a separate process, so the
// server's CPU and the generator's CPU are measured apart, and collect its result.
import { fileURLToPath } from 'node:url';
import type { ProcessSet } from './process-set.js';
import type { LoadConfig, LoadResult } from './load-types.js';
import type { TrackedProcess } from './tracked-process.js';

const CLIENT = fileURLToPath(new URL('./load-client.js', import.meta.url));

/** A running generator: `stop()` ends an open-ended run and returns the result. */
export interface RunningLoad {
  readonly process: TrackedProcess;
  stop(): Promise<LoadResult>;
  readonly result: Promise<LoadResult>;
}

/** Start the generator; with durationMs > 0, `result` resolves when it is done. */
export function startLoad(processes: ProcessSet, config: LoadConfig): RunningLoad {
  const client = processes.spawn(`load ${config.mode}`, process.execPath, [CLIENT, JSON.stringify(config)], { ipc: true });
  const limit = (config.durationMs > 0 ? config.durationMs : 600_000) + config.timeoutMs + 10_000;
  const result = client.nextMessage(limit).then((message) => (message as { result: LoadResult }).result);
  return {
    process: client,
    result,
    stop: () => {
      client.send({ type: 'stop' });
      return result;
    },
  };
}

/** Run the generator for `config.durationMs` and return its result. */
export function runLoad(processes: ProcessSet, config: LoadConfig): Promise<LoadResult> {
  return startLoad(processes, config).result;
}

const AUTOCANNON = fileURLToPath(new URL('./autocannon-child.js', import.meta.url));

/** The same, with autocannon as the generator (keep-alive only), in its own process. */
export function runAutocannon(processes: ProcessSet, config: LoadConfig): Promise<LoadResult> {
  const child = processes.spawn('autocannon', process.execPath, [AUTOCANNON, JSON.stringify(config)], { ipc: true });
  return child.nextMessage(config.durationMs + config.timeoutMs + 20_000).then((message) => (message as { result: LoadResult }).result);
}
