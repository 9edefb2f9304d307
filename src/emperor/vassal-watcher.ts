// inotify watching through Node's fs.watch: one watch per directory within the
// target's depth, and one per vassal file that can change without an event in
// its directory (a symlink's target, a file with other hard links). Events are
// only hints: each names a path to look at again, and the change settler
// decides what really happened; the periodic rescan calls `resync`, which
// repairs whatever inotify could not report (a full queue, a watch refused).
//
// Hand-written rather than chokidar: chokidar reads the whole directory again
// (a readdir and an lstat per entry) on every event in it, so with 1,000
// vassal files each touch cost the emperor ~100 ms of CPU and queued the
// settler's own reads behind a thousand others. Here an event costs at most
// one lstat and stat, and only an event that may have created or removed
// something needs them.
//
// A watch is on an inode. A directory or link replaced in place (a release
// directory swapped by rename, `ln -sfn`) is a new inode: it is told by its
// device and inode, and watched afresh. A symlinked directory is followed
// (deploys link release directories in), but never into one of its own
// ancestors, and a new tree is walked about a thousand entries per turn of the
// event loop, so a link to a huge tree cannot stall the emperor for long.
//
// Once the vassal directory itself is removed, a directory recreated at its
// path is a new inode no watch hears of; a watch on the parent directory
// notices the name coming back, and the target is watched afresh, every file
// in it reported as new.
import { lstatSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { identityOf, levelsOf, type WatchTarget } from './watch-target.js';

/** A running set of watchers. */
export interface VassalWatcher {
  /** resolves once every target's first walk is done */
  readonly ready: Promise<void>;
  /** list every watched directory again and repair the watches (the periodic rescan calls it) */
  resync(): void;
  close(): Promise<void>;
}

type OnPath = (path: string) => void;
type OnError = (err: Error) => void;

/** entries looked at per turn of the event loop while walking new directories (each costs an lstat or two) */
const WALK_BUDGET = 1024;

/** Watch every target; `onPath` gets the absolute path of anything that may have changed. */
export function watchTargets(targets: readonly WatchTarget[], onPath: OnPath, onError: OnError): VassalWatcher {
  const watchers = targets.map((target) => new TargetWatcher(target, onPath, onError));
  const ready = Promise.all(watchers.map((watcher) => watcher.ready)).then(() => undefined);
  return {
    ready,
    resync: () => watchers.forEach((watcher) => watcher.resync()),
    close: async () => void (await Promise.all(watchers.map((watcher) => watcher.close()))),
  };
}

/** One target's tree of watches, built again when its root directory is recreated. */
class TargetWatcher {
  readonly ready: Promise<void>;
  private tree: WatchTree;
  private readonly parent: FSWatcher | null;
  private rootIno: number | undefined;
  private checking: Promise<void> | null = null;
  private again = false;
  private closed = false;

  constructor(
    private readonly target: WatchTarget,
    private readonly onPath: OnPath,
    private readonly onError: OnError,
  ) {
    this.tree = new WatchTree(target, onPath, onError, false);
    this.ready = Promise.all([this.tree.walked, this.inode().then((ino) => void (this.rootIno = ino))]).then(() => undefined);
    this.parent = this.watchParent();
  }

  resync(): void {
    if (!this.closed) this.tree.resync();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.parent?.close();
    await this.checking;
    this.tree.close();
  }

  /** Events in the root's parent that name the root; none for `/`. */
  private watchParent(): FSWatcher | null {
    const { root } = this.target;
    if (dirname(root) === root) return null;
    try {
      const parent = watch(dirname(root), { persistent: false }, (_event, name) => {
        if (name === null || name === basename(root)) this.recheck();
      });
      // the parent itself removed: the periodic rescan is all that is left
      parent.on('error', (err) => this.onError(err));
      return parent;
    } catch (err) {
      this.onError(asError(err));
      return null;
    }
  }

  /** Checks run one at a time; a name event during a check asks for one more. */
  private recheck(): void {
    if (this.checking !== null) {
      this.again = true;
      return;
    }
    this.checking = this.check()
      .catch((err: unknown) => this.onError(asError(err)))
      .finally(() => {
        this.checking = null;
        if (this.again && !this.closed) {
          this.again = false;
          this.recheck();
        }
      });
  }

  private async check(): Promise<void> {
    const ino = await this.inode();
    if (this.closed || ino === this.rootIno) return;
    this.rootIno = ino;
    // the old directory went (or moved away): everything it held may be gone
    this.tree.close(true);
    // a new directory at the root's path: watch it, and report what is already in it
    this.tree = new WatchTree(this.target, this.onPath, this.onError, ino !== undefined);
  }

  private inode(): Promise<number | undefined> {
    return stat(this.target.root).then(
      (info) => (info.isDirectory() ? info.ino : undefined),
      () => undefined,
    );
  }
}

/** What one watched directory holds: its watch and the names last seen in it. */
interface WatchedDir {
  readonly watcher: FSWatcher;
  readonly names: Set<string>;
  /** levels below the root */
  readonly level: number;
  /** device and inode of the directory (through a symlink, of the one it leads to) */
  readonly key: string;
  /** keys of this directory and every directory above it: a symlink back up is not followed */
  readonly chain: ReadonlySet<string>;
}

/** A directory waiting to be walked. */
interface DirToWalk {
  readonly level: number;
  readonly report: boolean;
  readonly chain: ReadonlySet<string>;
}

/** The entries of a directory just watched, looked at a budget per turn of the event loop. */
interface Listing {
  readonly dir: string;
  readonly watched: WatchedDir;
  readonly names: readonly string[];
  readonly report: boolean;
  next: number;
}

/** What a path is now, through symlinks. */
interface Kind {
  readonly missing: boolean;
  readonly link: boolean;
  readonly dir: boolean;
  readonly file: boolean;
  /** device and inode of what the path leads to; '' when missing */
  readonly key: string;
  readonly nlink: number;
}

/** The watches of one target: its root, the directories below within its depth, and files watched one by one. */
class WatchTree {
  /** resolves once the first walk is done */
  readonly walked: Promise<void>;
  private readonly dirs = new Map<string, WatchedDir>();
  /** files watched one by one, with the key of the inode watched */
  private readonly files = new Map<string, { readonly watcher: FSWatcher; readonly key: string }>();
  private readonly toWalk = new Map<string, DirToWalk>();
  /** directories watched whose entries are still to be looked at */
  private readonly listings: Listing[] = [];
  /** directories whose watch failed (ENOSPC): tried again by resync */
  private readonly refused = new Map<string, DirToWalk>();
  private readonly depth: number;
  private walking = false;
  private walkedNow: () => void = () => undefined;
  /** false during the first walk: a directory found then is reported only if the tree was asked to */
  private live = false;
  private closed = false;

  /** `report`: name every file found, as a directory that appeared would need. */
  constructor(
    private readonly target: WatchTarget,
    private readonly onPath: OnPath,
    private readonly onError: OnError,
    report: boolean,
  ) {
    this.depth = levelsOf(target);
    this.walked = new Promise<void>((resolve) => (this.walkedNow = resolve)).then(() => void (this.live = true));
    this.toWalk.set(target.root, { level: 0, report, chain: new Set() });
    this.walk();
  }

  /** Stop every watch; `report`: name every path it held (its directory went away). */
  close(report = false): void {
    if (this.closed) return;
    this.closed = true;
    for (const [dir, watched] of this.dirs) {
      watched.watcher.close();
      if (report) for (const name of watched.names) this.onPath(join(dir, name));
    }
    for (const file of this.files.values()) file.watcher.close();
    this.dirs.clear();
    this.files.clear();
    this.toWalk.clear();
    this.listings.length = 0;
    this.refused.clear();
    this.walkedNow();
  }

  /** List every watched directory again: names that came or went unseen are classified and named; refused watches are tried again. */
  resync(): void {
    if (this.closed) return;
    for (const [dir, watched] of [...this.dirs]) {
      if (this.dirs.get(dir) !== watched) continue;
      const now = new Set(readNames(dir));
      for (const name of new Set([...watched.names, ...now])) {
        const path = join(dir, name);
        const news = now.has(name) !== watched.names.has(name);
        if (!news && !this.dirs.has(path) && !this.files.has(path)) continue;
        this.classify(dir, watched, name, false);
        if (news) this.onPath(path);
      }
    }
    for (const [dir, entry] of this.refused) this.toWalk.set(dir, entry);
    this.refused.clear();
    this.walk();
  }

  /** Walk what waits (entries of directories just watched first, then directories found), a budget per turn of the event loop. */
  private walk(): void {
    if (this.walking || this.closed) return;
    if (this.toWalk.size === 0 && this.listings.length === 0) return this.walkedNow();
    this.walking = true;
    let spent = 0;
    while (spent < WALK_BUDGET) {
      const listing = this.listings[0];
      if (listing !== undefined) {
        const end = Math.min(listing.names.length, listing.next + WALK_BUDGET - spent);
        // a directory dropped meanwhile has nothing left to look at
        const current = this.dirs.get(listing.dir) === listing.watched;
        spent += 1 + (current ? end - listing.next : 0);
        for (; current && listing.next < end; listing.next++) this.classify(listing.dir, listing.watched, listing.names[listing.next] ?? '', listing.report);
        if (!current || listing.next >= listing.names.length) this.listings.shift();
        continue;
      }
      const next = this.toWalk.entries().next();
      if (next.done === true) break;
      const [dir, entry] = next.value;
      this.toWalk.delete(dir);
      this.addDir(dir, entry);
      spent++;
    }
    setImmediate(() => {
      this.walking = false;
      this.walk();
    });
  }

  /** Watch `dir`; what it holds is looked at by the walk. */
  private addDir(dir: string, entry: DirToWalk): void {
    if (this.dirs.has(dir)) return;
    const kind = kindOf(dir);
    // gone since it was found, or a link back up its own chain
    if (!kind.dir || entry.chain.has(kind.key)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, (_event, name) => this.onEvent(dir, name));
    } catch (err) {
      // not ours to read, or gone: the parent's events or the rescan will tell; out of watches: resync tries again
      if (!isQuiet(err)) {
        this.refused.set(dir, entry);
        this.onError(asError(err));
      }
      return;
    }
    watcher.on('error', (err) => {
      this.onError(err);
      this.dropDir(dir);
    });
    const watched: WatchedDir = { watcher, names: new Set(), level: entry.level, key: kind.key, chain: new Set([...entry.chain, kind.key]) };
    this.dirs.set(dir, watched);
    this.listings.push({ dir, watched, names: readNames(dir), report: entry.report, next: 0 });
  }

  /** A watched directory went, was replaced, or is no directory any more: its watches go, and everything it held is named. */
  private dropDir(dir: string): void {
    this.toWalk.delete(dir);
    this.refused.delete(dir);
    const watched = this.dirs.get(dir);
    if (watched === undefined) return;
    watched.watcher.close();
    this.dirs.delete(dir);
    for (const name of watched.names) {
      const path = join(dir, name);
      this.dropDir(path);
      this.unwatchFile(path);
      this.onPath(path);
    }
  }

  private onEvent(dir: string, name: string | Buffer | null): void {
    const watched = this.dirs.get(dir);
    if (this.closed || watched === undefined) return;
    if (name === null) return this.resync();
    const entry = name.toString();
    if (isHidden(entry)) return;
    // even a change of attributes can matter (a second hard link), and the settler reads the file anyway
    this.classify(dir, watched, entry, false);
    this.onPath(join(dir, entry));
  }

  /**
   * What `dir/name` is now; watches follow: a directory within depth is watched (what it holds is reported,
   * unless it is found by the first walk of a tree not asked to), and so is a vassal file that can change
   * without an event here. `report`: name the path itself when it is a file.
   */
  private classify(dir: string, watched: WatchedDir, name: string, report: boolean): void {
    const path = join(dir, name);
    const kind = kindOf(path);
    if (kind.missing) watched.names.delete(name);
    else watched.names.add(name);
    const known = this.dirs.get(path);
    if (kind.dir && watched.level < this.depth) {
      // replaced in place (a rename over it, `ln -sfn` to another directory): what it held is named, the new one walked
      if (known !== undefined && known.key !== kind.key) this.dropDir(path);
      if (!this.dirs.has(path) && !watched.chain.has(kind.key)) {
        this.toWalk.set(path, { level: watched.level + 1, report: report || this.live, chain: watched.chain });
        this.walk();
      }
    } else this.dropDir(path);
    if (kind.file && (kind.link || kind.nlink > 1) && this.target.matches(identityOf(this.target.root, path))) this.watchFile(path, kind.key);
    else this.unwatchFile(path);
    if (report && kind.file) this.onPath(path);
  }

  /**
   * A vassal file whose content can change without an event in its directory: a symlink's target (inotify
   * follows the link, so this watches the file it leads to) or a file with other hard links.
   */
  private watchFile(path: string, key: string): void {
    const known = this.files.get(path);
    if (known?.key === key) return;
    this.unwatchFile(path);
    try {
      const watcher = watch(path, () => {
        // the target may have been replaced by a rename: watch whatever the path leads to now
        const now = kindOf(path);
        if (now.file) this.watchFile(path, now.key);
        else this.unwatchFile(path);
        this.onPath(path);
      });
      watcher.on('error', () => this.unwatchFile(path));
      this.files.set(path, { watcher, key });
    } catch (err) {
      // the target went in between: the directory's events or the rescan will tell
      if (!isQuiet(err)) this.onError(asError(err));
    }
  }

  private unwatchFile(path: string): void {
    this.files.get(path)?.watcher.close();
    this.files.delete(path);
  }
}

/** Hidden entries are editors' temporary files and VCS directories. */
function isHidden(name: string): boolean {
  return name.startsWith('.');
}

function readNames(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => !isHidden(name));
  } catch {
    return [];
  }
}

/** lstat, then stat through a symlink. Synchronous: a few microseconds, and no await for a later event to overtake. */
function kindOf(path: string): Kind {
  let link = false;
  try {
    const own = lstatSync(path);
    link = own.isSymbolicLink();
    const info = link ? statSync(path) : own;
    return { missing: false, link, dir: info.isDirectory(), file: info.isFile(), key: `${info.dev}:${info.ino}`, nlink: info.nlink };
  } catch {
    // a symlink to nothing is still a name in the directory
    return { missing: !link, link, dir: false, file: false, key: '', nlink: 0 };
  }
}

function isQuiet(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM' || code === 'ELOOP';
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
