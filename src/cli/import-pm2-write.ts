// Put one vassal file in place, safely: checked first with uw's own loader
// (reading the new text at the final path, so errors name that path), then
// written 0644 under a random temporary name (O_EXCL|O_NOFOLLOW) and linked
// into place, which fails if anything is there; with --force renamed over the
// old file instead. A symlink or non-file at the path is never replaced, and
// nothing is ever written through a symlink.
import { constants } from 'node:fs';
import { link, lstat, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { describeError } from '../errors.js';
import { nodeHost, type ConfigHost } from '../config/host.js';
import { loadConfig } from '../config/load.js';
import { randomHex } from '../process/random-hex.js';

/** written; kept because something is at the path; or refused, with the line to print. */
export type WriteOutcome =
  | { readonly kind: 'written' }
  | { readonly kind: 'exists' }
  | { readonly kind: 'refused'; readonly reason: string };

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;

/** Write `text` to `file` (absolute) unless it exists and `force` is off, or uw cannot load it. */
export async function writeVassal(file: string, text: string, force: boolean): Promise<WriteOutcome> {
  const existing = await lstat(file).catch(() => undefined);
  if (existing !== undefined && !force) return { kind: 'exists' };
  if (existing !== undefined && !existing.isFile()) return { kind: 'refused', reason: `${file} is ${existing.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}: not replacing it` };
  try {
    await checkVassal(file, text);
  } catch (err) {
    return { kind: 'refused', reason: describeError(err) };
  }
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomHex(6)}.tmp`);
  try {
    const handle = await open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
    try {
      await handle.writeFile(text);
      await handle.chmod(0o644); // whatever the umask
    } finally {
      await handle.close();
    }
    if (force) await rename(temp, file);
    else await link(temp, file);
    return { kind: 'written' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST' && !force) return { kind: 'exists' };
    return { kind: 'refused', reason: `cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? describeError(err)}` };
  } finally {
    await rm(temp, { force: true });
  }
}

/** Load `text` as the vassal file at `file`, as the emperor would; throws the loader's UwError. */
async function checkVassal(file: string, text: string): Promise<void> {
  const host: ConfigHost = { ...nodeHost, readFile: async (at) => (at === file ? text : await nodeHost.readFile(at)) };
  await loadConfig({ sources: [{ kind: 'file', path: file, format: 'ini' }], cwd: path.dirname(file), env: process.env }, host);
}
