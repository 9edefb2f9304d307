// The only module that imports child_process. Every long-lived child is started
// through setpriv(1) with a parent-death signal, so that when its parent dies,
// even by SIGKILL, the kernel kills it too: no orphan keeps a port.
import { spawn, spawnSync, type ChildProcess, type StdioOptions, type SpawnSyncReturns } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

export type { ChildProcess };

export interface SpawnRequest {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly stdio: StdioOptions;
  readonly cwd?: string | undefined;
  readonly uid?: number | undefined;
  readonly gid?: number | undefined;
  /** with uid: take the user's supplementary groups (initgroups), else none */
  readonly initGroups?: boolean | undefined;
  /** have the kernel SIGKILL the child when this process dies */
  readonly dieWithParent: boolean;
  /**
   * its own process group: a Ctrl+C or a signal to our group reaches only us,
   * and we decide what the child gets (a worker must not drain behind our back)
   */
  readonly ownProcessGroup?: boolean;
}

const SETPRIV_CANDIDATES = ['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv'];
let setprivPath: string | null | undefined;

/** Path of setpriv(1) if this system has it (util-linux); looked up once. */
export function findSetpriv(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = SETPRIV_CANDIDATES.find((candidate) => isExecutable(candidate)) ?? null;
  return setprivPath;
}

/** True when `path` exists and this process may execute it. */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Start a child; setpriv execs in place, so the PID is the real program's.
 * With a uid, setpriv also sets the ids and initialises the user's groups
 * (Node's own uid/gid options leave no supplementary group at all).
 */
export function spawnProcess(request: SpawnRequest): ChildProcess {
  const setpriv = request.dieWithParent || request.uid !== undefined ? findSetpriv() : null;
  const ids = setpriv === null ? [] : credentialArgs(request);
  const [command, args] = setpriv
    ? [setpriv, [...(request.dieWithParent ? ['--pdeathsig', 'KILL'] : []), ...ids, '--', request.command, ...request.args]]
    : [request.command, [...request.args]];
  return spawn(command, args, {
    env: request.env,
    stdio: request.stdio,
    detached: request.ownProcessGroup ?? false,
    ...(request.cwd !== undefined && { cwd: request.cwd }),
    ...(ids.length === 0 && request.uid !== undefined && { uid: request.uid }),
    ...(ids.length === 0 && request.gid !== undefined && { gid: request.gid }),
  });
}

/** setpriv's arguments for the request's ids; setpriv sets --pdeathsig after them, so it survives the change. */
function credentialArgs(request: Pick<SpawnRequest, 'uid' | 'gid' | 'initGroups'>): string[] {
  const args: string[] = [];
  if (request.gid !== undefined) args.push(`--regid=${request.gid}`);
  if (request.uid !== undefined) args.push(`--reuid=${request.uid}`, request.initGroups ? '--init-groups' : '--clear-groups');
  else if (request.gid !== undefined) args.push('--clear-groups');
  return args;
}

/** Run a short helper to completion (flock(1) on a pidfile descriptor). */
export function runHelperSync(command: string, args: readonly string[], stdio: StdioOptions, timeoutMs: number): SpawnSyncReturns<string> {
  return spawnSync(command, args, { stdio, timeout: timeoutMs, encoding: 'utf8', killSignal: 'SIGKILL' });
}
