// The emperor (root) reads a vassal file itself, for its [emperor] and [zerg]
// sections and a uWSGI master's heartbeat and stats server. In tyrant mode the
// owner was checked at the path a moment before, and a hostile owner may have
// put another file at that name since (a symlink to root's config, someone
// else's file): the file is opened once, never through a symlink at the last
// step, its owner checked on that descriptor, and the bytes read from the same
// descriptor, so what is parsed is what was checked. Nothing read is logged.
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { UwError } from '../errors.js';
import { readOpenBounded } from '../config/read-bounded.js';
import { MAX_DIGEST_BYTES } from './fingerprint.js';

const { O_RDONLY, O_NONBLOCK, O_NOCTTY, O_NOFOLLOW } = constants;

/** The bytes of one version of a vassal file, and the owner of the descriptor they were read from. */
export interface VassalFileText {
  readonly text: string;
  readonly uid: number;
  readonly gid: number;
}

/** The ids a tyrant master runs as: the file read must be theirs. */
export interface FileOwner {
  readonly uid: number;
  readonly gid: number;
}

/** Test seam: runs between the owner check and the read (a swap here must change nothing). */
export interface VassalFileReadHooks {
  readonly afterCheck?: () => Promise<void> | void;
}

/**
 * The text of `file` (a regular file of at most MAX_DIGEST_BYTES), or null when it
 * cannot be read now (its master reports why). With `owner`, a file owned by
 * anyone else is a UwError naming only the file and the ids, never its content.
 */
export async function readVassalFile(file: string, owner?: FileOwner, hooks: VassalFileReadHooks = {}): Promise<VassalFileText | null> {
  let handle;
  try {
    // a symlinked vassal file is resolved once; what is opened is then never a link (O_NOFOLLOW), O_NONBLOCK: never a FIFO's wait
    handle = await open(await realpath(file), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW);
  } catch {
    return null;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile() || info.size > MAX_DIGEST_BYTES) return null;
    if (owner !== undefined && (info.uid !== owner.uid || info.gid !== owner.gid)) throw notTheOwners(file, info, owner);
    await hooks.afterCheck?.();
    const text = await readOpenBounded(handle, info.size, MAX_DIGEST_BYTES);
    return text === null ? null : { text, uid: info.uid, gid: info.gid };
  } catch (err) {
    if (err instanceof UwError) throw err;
    return null;
  } finally {
    // nothing to do about a failed close of a read-only descriptor
    await handle.close().catch(() => undefined);
  }
}

function notTheOwners(file: string, found: FileOwner, owner: FileOwner): UwError {
  const why = `tyrant mode: the file is uid ${found.uid} gid ${found.gid}, not uid ${owner.uid} gid ${owner.gid} as checked (the file changed owner, or another file was put at its name)`;
  return new UwError('UW_CONFIG_UNREADABLE', `cannot read the config file: ${why}`, { file });
}
