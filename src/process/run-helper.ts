// Run a short helper program to completion and read what it printed: getent
// for user names, a permission check as the workers' user. It goes through
// spawnProcess, so ids and groups are set the way a worker's are.
import { spawnProcess, type SpawnRequest } from './spawn.js';

/** What a helper printed, and how it exited (null: killed, e.g. on timeout). */
export interface HelperResult {
  readonly code: number | null;
  readonly stdout: string;
}

/** a helper that hangs (an unreachable NSS server) must not hang a config load */
const HELPER_TIMEOUT_MS = 10_000;

/** Run `command`, as another user if `as` says so; rejects when it cannot be started at all. */
export function runHelper(command: string, args: readonly string[], as: Pick<SpawnRequest, 'uid' | 'gid' | 'initGroups'> = {}): Promise<HelperResult> {
  return new Promise((resolve, reject) => {
    const child = spawnProcess({ command, args, env: process.env, stdio: ['ignore', 'pipe', 'ignore'], ...as, dieWithParent: false });
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), HELPER_TIMEOUT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}
