// The private directory an etcd target's values are written to, so that
// masters read plain files. Created 0700 and checked to be a real directory of
// this user (never a symlink another user planted); every file goes in through
// a hidden temporary file opened O_EXCL|O_NOFOLLOW and a rename, so a master
// never reads half a value and nothing is written through a link. Names are
// checked by the caller (safe-name.ts); this module refuses any other.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UwError } from '../../errors.js';

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/** One target's cache: `root` mirrors the keys below the target's prefix. */
export class CacheDir {
  private constructor(readonly root: string) {}

  /** base/name, both made private; a usage error when either is not ours. */
  static async open(base: string, name: string): Promise<CacheDir> {
    await mkdir(base, { recursive: true, mode: DIR_MODE });
    await ensurePrivateDir(base);
    const root = join(base, name);
    await mkdir(root, { mode: DIR_MODE }).catch(ignoreExists);
    await ensurePrivateDir(root);
    return new CacheDir(root);
  }

  /** The absolute path of a relative one ('vassals/app.ini'). */
  pathOf(relative: string): string {
    checkRelative(relative);
    return join(this.root, relative);
  }

  /** The file's content, or null when absent. */
  async read(relative: string): Promise<Buffer | null> {
    return readFile(this.pathOf(relative), { flag: constants.O_RDONLY | constants.O_NOFOLLOW }).catch(() => null);
  }

  /** Write atomically, creating the directories on the way (0700). */
  async write(relative: string, content: Buffer): Promise<void> {
    const path = this.pathOf(relative);
    const parts = relative.split('/');
    let dir = this.root;
    for (const part of parts.slice(0, -1)) {
      dir = join(dir, part);
      await mkdir(dir, { mode: DIR_MODE }).catch(ignoreExists);
      await ensurePrivateDir(dir);
    }
    const temporary = join(dir, `.${parts.at(-1) ?? ''}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, FILE_MODE);
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
    await rename(temporary, path).catch(async (err: unknown) => {
      await rm(temporary, { force: true });
      throw err;
    });
  }

  /** Remove the file if it is there. */
  async remove(relative: string): Promise<void> {
    await rm(this.pathOf(relative), { force: true });
  }

  /** Names of the visible regular files in a directory of the cache; none when it does not exist. */
  async files(relativeDir: string): Promise<string[]> {
    const entries = await readdir(join(this.root, relativeDir), { withFileTypes: true }).catch(() => []);
    return entries.filter((entry) => entry.isFile() && !entry.name.startsWith('.')).map((entry) => entry.name);
  }
}

/** A real directory (no symlink), owned by this user, mode 0700. */
async function ensurePrivateDir(dir: string): Promise<void> {
  const stats = await lstat(dir);
  const uid = process.geteuid?.() ?? stats.uid;
  if (!stats.isDirectory() || stats.uid !== uid) {
    throw new UwError('UW_PATH_NOT_OURS', `the etcd cache ${dir} is not a directory of this user (a symlink, a file, or another user's): left alone`);
  }
  if ((stats.mode & 0o777) !== DIR_MODE) await chmod(dir, DIR_MODE);
}

/** Relative, '/'-separated, no empty, hidden, `.` or `..` segment. */
function checkRelative(relative: string): void {
  if (relative.split('/').some((part) => part === '' || part.startsWith('.'))) throw new Error(`not a cache path: ${JSON.stringify(relative)}`);
}

function ignoreExists(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
}
