// Threads per process: every thread takes a PID, and Node starts 4 V8 platform
// threads and (on first use) 4 libuv pool threads besides its own 3, so 11 per
// process; with 2 processes per vassal, 2,000 vassals would not fit under
// Linux's default pid_max. A master runs none of the app's code: one of each
// is enough. A worker keeps libuv's pool of 4 (the app's fs, dns, zlib and
// crypto run there) and gets one V8 platform thread; the vassal option
// node-default-threads gives it Node's defaults back.

const UV = 'UV_THREADPOOL_SIZE';
const PARKED = 'UW_WORKER_UV_THREADPOOL_SIZE';
const V8_POOL = '--v8-pool-size';

/** Node flags of every master the emperor starts. */
export const MASTER_NODE_FLAGS: readonly string[] = [`${V8_POOL}=1`];

/** The environment for a master: a libuv pool of one thread; the user's own size parked for the workers ('' for none). */
export function parkThreadPool(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, [UV]: '1', [PARKED]: env[UV] ?? '' };
}

/** The environment for a worker: the libuv pool size the emperor was started with, or Node's default; a standalone master's as it is. */
export function restoreThreadPool(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const parked = env[PARKED];
  if (parked === undefined) return env;
  const rest = { ...env };
  delete rest[PARKED];
  delete rest[UV];
  return parked === '' ? rest : { ...rest, [UV]: parked };
}

/** Node flags of a Node worker: one V8 platform thread, unless Node's defaults are asked for or `nodeArgs` sets the size. */
export function workerNodeFlags(nodeDefaultThreads: boolean, nodeArgs: readonly string[] = []): string[] {
  if (nodeDefaultThreads || nodeArgs.some((arg) => arg === V8_POOL || arg.startsWith(`${V8_POOL}=`))) return [];
  return [`${V8_POOL}=1`];
}
