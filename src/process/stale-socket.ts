// Before binding a UNIX socket at a path: a leftover socket file nobody listens
// on is removed; a live one is "in use"; anything else at the path (a symlink
// someone planted, a regular file, a directory, a socket of another user) is
// left alone and refused.
// Shared by every socket uw creates: listening sockets, stats and control
// sockets, zerg servers.
import { lstatSync, rmSync, type Stats } from 'node:fs';
import { connect } from 'node:net';
import { foreignOwner } from './path-owner.js';

/** How long a probe connection may take before the socket counts as live. */
const PROBE_TIMEOUT_MS = 2_000;

/** The path holds something that is not ours to remove or follow. */
export class NotOursError extends Error {}

/** Someone answers on the socket at the path. */
export class SocketInUseError extends Error {}

function describeKind(stats: Stats): string {
  return stats.isSymbolicLink() ? 'a symbolic link' : stats.isDirectory() ? 'a directory' : stats.isFile() ? 'a regular file' : 'not a socket';
}

/** Remove a dead socket file at `path`; throws NotOursError or SocketInUseError. unlink never follows symlinks, and only sockets are removed. */
export async function removeStaleSocket(path: string): Promise<void> {
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch {
    return; // does not exist: nothing to do
  }
  if (!stats.isSocket()) throw new NotOursError(`${path} exists and is ${describeKind(stats)}, not a socket: not removing it`);
  const foreign = foreignOwner(path, stats.uid);
  if (foreign !== null) throw new NotOursError(foreign);
  // only a refused connection proves nobody listens: a full backlog (EAGAIN), a slow or
  // unreachable peer is someone's live socket, never removed
  const probe = await new Promise<'dead' | 'gone' | 'live'>((resolve) => {
    const socket = connect(path, () => {
      socket.destroy();
      resolve('live');
    });
    socket.setTimeout(PROBE_TIMEOUT_MS, () => {
      socket.destroy();
      resolve('live');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED' ? 'dead' : err.code === 'ENOENT' ? 'gone' : 'live'));
  });
  if (probe === 'gone') return;
  if (probe === 'live') throw new SocketInUseError(`${path} is in use: something answers on it`);
  rmSync(path, { force: true });
}
