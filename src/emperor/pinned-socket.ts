// The emperor (root) reads a uWSGI master's UNIX stats socket, made by the
// app's user, who may put something else at its path at any moment: a check
// of the path then a connect by path would connect to whatever came in between
// (a symlink to root's own socket). The socket is opened once, O_PATH and
// O_NOFOLLOW, its kind and owner checked on that descriptor, and the connect
// goes through /proc/self/fd/N, so the socket connected to is the one checked.
// Linux only, as /proc is (O_PATH since 2.6.39, fstat of one since 3.6).
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Linux's O_PATH (Node's fs.constants lacks it): a descriptor naming the inode without opening the socket. */
const O_PATH = 0o10000000;

/** A checked socket, to connect to by `path` until `close`. */
export interface PinnedSocket {
  /** /proc/self/fd/N: the checked inode, whatever is at the original path now */
  readonly path: string;
  close(): Promise<void>;
}

/** Pin the UNIX socket at `path` when it is a socket (not a symlink) owned by `ownerUid`; null otherwise. */
export async function pinOwnedSocket(path: string, ownerUid: number): Promise<PinnedSocket | null> {
  let handle;
  try {
    handle = await open(path, O_PATH | constants.O_NOFOLLOW);
  } catch {
    // ENOENT, ELOOP (a symlink), EACCES: nothing to read
    return null;
  }
  const close = (): Promise<void> => handle.close().catch(() => undefined);
  try {
    const info = await handle.stat();
    if (info.isSocket() && info.uid === ownerUid) return { path: `/proc/self/fd/${handle.fd}`, close };
  } catch {
    // fall through: not pinned
  }
  await close();
  return null;
}
