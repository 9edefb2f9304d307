// The master FIFO on disk: made with mode 0600 at a random temporary name in
// the same directory and linked (or renamed over a stale FIFO) into place, so
// that the path never shows a FIFO with another mode and nothing is followed
// through a symlink. Something else at the path (a symlink, a file, a FIFO that
// another process reads) is left alone and refused, as pidfiles and UNIX
// sockets are. Node has no mkfifo(): coreutils' mkfifo(1) makes it.
//
// We open the read end non-blocking and also hold a write end ourselves: a FIFO
// whose last writer closes reads as end-of-file over and over, and with our own
// writer it never does, so writers may come and go as they like.
import { closeSync, constants, fstatSync, linkSync, lstatSync, openSync, renameSync, rmSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UwError } from '../errors.js';
import { foreignOwner } from '../process/path-owner.js';
import { randomHex } from '../process/random-hex.js';
import { isExecutable, runHelperSync } from '../process/spawn.js';

const MKFIFO_CANDIDATES = ['/usr/bin/mkfifo', '/bin/mkfifo'];
const { O_RDONLY, O_WRONLY, O_NONBLOCK, O_NOFOLLOW } = constants;
const OPTION = 'master-fifo';

/** A FIFO this master made and holds open at `path`; dev and ino tell whether the path still names it. */
export interface OpenFifo {
  readonly path: string;
  readonly readFd: number;
  readonly writeFd: number;
  readonly dev: number;
  readonly ino: number;
}

/** Make the FIFO at `path` and open both ends; throws UwError (UW_PATH_NOT_OURS, UW_MASTER_FIFO) naming the option. */
export function createFifo(path: string, file: string): OpenFifo {
  const context = { file: file || undefined, key: OPTION };
  const stale = checkPath(path, context);
  const temp = join(dirname(path), `.${basename(path)}.${randomHex(6)}.fifo`);
  const fds: number[] = [];
  try {
    makeFifo(temp, path, context);
    fds.push(openSync(temp, O_RDONLY | O_NONBLOCK | O_NOFOLLOW));
    // a reader exists (us), so this open neither blocks nor fails with ENXIO
    fds.push(openSync(temp, O_WRONLY | O_NONBLOCK | O_NOFOLLOW));
    const made = fstatSync(fds[0] as number);
    // the temporary name is random, but the directory may be shared: what we opened must be what we made
    if (!made.isFIFO() || made.uid !== process.geteuid?.()) throw new UwError('UW_MASTER_FIFO', `option "${OPTION}": ${path}: the FIFO was replaced while being created`, context);
    putInPlace(temp, path, stale, context);
    return { path, readFd: fds[0] as number, writeFd: fds[1] as number, dev: made.dev, ino: made.ino };
  } catch (err) {
    for (const fd of fds) closeSync(fd);
    throw err;
  } finally {
    rmSync(temp, { force: true });
  }
}

/** What is at the path now: nothing (false), a stale FIFO nobody reads (true); anything else throws. */
function checkPath(path: string, context: { file: string | undefined; key: string }): boolean {
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new UwError('UW_MASTER_FIFO', `option "${OPTION}": cannot look at ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, context);
  }
  if (!stats.isFIFO()) throw new UwError('UW_PATH_NOT_OURS', `option "${OPTION}": ${path} exists and is ${kindOf(stats)}, not a FIFO: not replacing it`, context);
  const foreign = foreignOwner(path, stats.uid);
  if (foreign !== null) throw new UwError('UW_PATH_NOT_OURS', `option "${OPTION}": ${foreign}`, context);
  if (hasReader(path, context)) throw new UwError('UW_PATH_NOT_OURS', `option "${OPTION}": ${path} is a FIFO another process reads (another master?): not taking it over`, context);
  return true;
}

/** True when a process has the FIFO open for reading: only then does a non-blocking open for writing succeed. */
function hasReader(path: string, context: { file: string | undefined; key: string }): boolean {
  try {
    closeSync(openSync(path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW));
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENXIO' || code === 'ENOENT') return false;
    throw new UwError('UW_PATH_NOT_OURS', `option "${OPTION}": ${path} is a FIFO this master cannot open (${code ?? String(err)}): not replacing it`, context);
  }
}

function makeFifo(temp: string, path: string, context: { file: string | undefined; key: string }): void {
  const mkfifo = MKFIFO_CANDIDATES.find(isExecutable);
  if (mkfifo === undefined) throw new UwError('UW_MASTER_FIFO', `option "${OPTION}": cannot create ${path}: mkfifo(1) from coreutils is not installed`, context);
  const result = runHelperSync(mkfifo, ['-m', '0600', '--', temp], ['ignore', 'ignore', 'pipe'], 10_000);
  if (result.status === 0) return;
  // mkfifo names the temporary file; the reason after its last colon is what the operator needs
  const detail = (result.stderr || result.error?.message || `exit ${result.status}`).trim().split(': ').pop();
  throw new UwError('UW_MASTER_FIFO', `option "${OPTION}": cannot create ${path}: ${detail}`, context);
}

/** Link the new FIFO at `path`, or rename it over the stale one; anything that appeared meanwhile is not ours. */
function putInPlace(temp: string, path: string, stale: boolean, context: { file: string | undefined; key: string }): void {
  try {
    if (stale) renameSync(temp, path);
    else linkSync(temp, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UwError('UW_PATH_NOT_OURS', `option "${OPTION}": ${path} appeared while the FIFO was created: not replacing it`, context);
    throw new UwError('UW_MASTER_FIFO', `option "${OPTION}": cannot create ${path}: ${code ?? String(err)}`, context);
  }
}

/** The path still names the FIFO we made (not removed, not replaced). */
export function isStillOurs(fifo: OpenFifo): boolean {
  try {
    const now = lstatSync(fifo.path);
    return now.isFIFO() && now.dev === fifo.dev && now.ino === fifo.ino;
  } catch {
    return false;
  }
}

/** Remove the FIFO at the path if it is still the one we made; never anything else. */
export function removeFifo(fifo: OpenFifo): void {
  if (isStillOurs(fifo)) rmSync(fifo.path, { force: true });
}

function kindOf(stats: Stats): string {
  return stats.isSymbolicLink() ? 'a symbolic link' : stats.isDirectory() ? 'a directory' : stats.isFile() ? 'a regular file' : stats.isSocket() ? 'a socket' : 'a device';
}
