// Start a real `uw` master and learn what a test needs from its log lines.
import { SpawnedCli } from './spawned-cli.js';
import { UW_BIN } from './paths.js';

export interface RunningMaster {
  readonly cli: SpawnedCli;
  /** the first TCP port it bound (from the "socket bound" line) */
  readonly port: number;
}

/** Run `uw ...args` (or another copy of uw: `bin`) and wait until its workers are ready. */
export async function startMaster(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; bin?: string } = {}): Promise<RunningMaster> {
  const { bin = UW_BIN, ...spawnOptions } = options;
  const cli = new SpawnedCli(bin, args, spawnOptions);
  await cli.waitForLog('master ready');
  const bound = cli.find('socket bound').map((line) => String(line.where));
  const tcp = bound.find((where) => /:\d+$/.test(where));
  return { cli, port: tcp === undefined ? 0 : Number(tcp.slice(tcp.lastIndexOf(':') + 1)) };
}

/** PIDs of the workers the log says are ready and have not exited. */
export function liveWorkerPids(cli: SpawnedCli): number[] {
  const exited = new Set(cli.find('worker exited').map((line) => line.workerPid));
  return [...new Set(cli.find('worker ready').map((line) => line.workerPid as number))].filter((pid) => !exited.has(pid));
}
