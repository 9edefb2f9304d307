// inotify watching through Node's fs.watch: one watch per directory within the
// target's depth, and one per symlinked vassal file (on the file it leads to).
// Events are only hints: each names a path to look at again, and the change
// settler decides what really happened; the periodic rescan catches whatever
// inotify could not report (a full queue, a network file system).
//
// Hand-written rather than chokidar: chokidar reads the whole directory again
// (a readdir and an lstat per entry) on every event in it, so with 1,000
// vassal files each touch cost the emperor ~100 ms of CPU and queued the
// settler's own reads behind a thousand others. Here an event costs one lstat,
// and only an event that may have created or removed something needs it.
//
// A watch is on a directory's inode: once the vassal directory is removed, a
// directory recreated at its path is a new inode it never hears of. A watch on
// the parent directory notices the name coming back, and the target is
// watched afresh, every file in it reported as new.
import { lstatSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { WatchTarget } from './watch-target.js';

/** A running set of watchers. */
export interface VassalWatcher {
  /** resolves once every target is watched */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

type OnPath = (path: string) => void;
type OnError = (err: Error) => void;

/** Even `**` stops somewhere (as the scan does): deeper trees are not vassal directories. */
const MAX_DEPTH = 16;

/** Watch every target; `onPath` gets the absolute path of anything that may have changed. */
export function watchTargets(targets: readonly WatchTarget[], onPath: OnPath, onError: OnError): VassalWatcher {
  const watchers = targets.map((target) => new TargetWatcher(target, onPath, onError));
  const ready = Promise.all(watchers.map((watcher) => watcher.ready)).then(() => undefined);
  return { ready, close: async () => void (await Promise.all(watchers.map((watcher) => watcher.close()))) };
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
    this.ready = this.inode().then((ino) => void (this.rootIno = ino));
    this.parent = this.watchParent();
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
      this.onError(err instanceof Error ? err : new Error(String(err)));
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
      .catch((err: unknown) => this.onError(err instanceof Error ? err : new Error(String(err))))
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
  /** device and inode: a symlink loop is not followed twice */
  readonly key: string;
}

/** The watches of one target: its root, the directories below within its depth, and symlinked files. */
class WatchTree {
  private readonly dirs = new Map<string, WatchedDir>();
  private readonly links = new Map<string, FSWatcher>();
  private readonly keys = new Set<string>();
  private readonly depth: number;
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
    this.depth = Math.min(target.depth ?? MAX_DEPTH, MAX_DEPTH);
    this.addDir(target.root, 0, report);
    this.live = true;
  }

  /** Stop every watch; `report`: name every path it held (its directory went away). */
  close(report = false): void {
    if (this.closed) return;
    this.closed = true;
    for (const [dir, watched] of this.dirs) {
      watched.watcher.close();
      if (report) for (const name of watched.names) this.onPath(join(dir, name));
    }
    for (const watcher of this.links.values()) watcher.close();
    this.dirs.clear();
    this.links.clear();
    this.keys.clear();
  }

  private addDir(dir: string, level: number, report: boolean): void {
    let key: string;
    let watcher: FSWatcher;
    try {
      const info = statSync(dir);
      key = `${info.dev}:${info.ino}`;
      if (this.keys.has(key)) return;
      watcher = watch(dir, (event, name) => this.onEvent(dir, event, name));
    } catch (err) {
      // gone already, or not ours to read: the parent's events or the rescan will tell
      if (!isQuiet(err)) this.onError(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    watcher.on('error', (err) => {
      this.onError(err);
      this.dropDir(dir);
    });
    const watched: WatchedDir = { watcher, names: new Set(), level, key };
    this.dirs.set(dir, watched);
    this.keys.add(key);
    for (const name of readNames(dir)) this.classify(dir, watched, name, report);
  }

  /** A watched directory went, or is no directory any more: its watches go, and everything it held is named. */
  private dropDir(dir: string): void {
    const watched = this.dirs.get(dir);
    if (watched === undefined) return;
    watched.watcher.close();
    this.dirs.delete(dir);
    this.keys.delete(watched.key);
    for (const name of watched.names) {
      const path = join(dir, name);
      this.dropDir(path);
      this.unwatchLink(path);
      this.onPath(path);
    }
  }

  private onEvent(dir: string, event: string, name: string | Buffer | null): void {
    const watched = this.dirs.get(dir);
    if (this.closed || watched === undefined) return;
    if (name === null) return this.relist(dir, watched);
    const entry = name.toString();
    if (isHidden(entry)) return;
    // a change of content or attributes of a file already known creates and removes nothing
    if (event === 'rename' || !watched.names.has(entry)) this.classify(dir, watched, entry, false);
    this.onPath(join(dir, entry));
  }

  /** An event without a name: compare the whole directory with what it held. */
  private relist(dir: string, watched: WatchedDir): void {
    const now = new Set(readNames(dir));
    for (const name of new Set([...watched.names, ...now])) {
      this.classify(dir, watched, name, false);
      this.onPath(join(dir, name));
    }
  }

  /**
   * What `dir/name` is now; watches follow: a directory within depth is watched (what it holds is reported,
   * unless it is found by the first walk of a tree not asked to), a symlinked file's target too.
   * `report`: name the path itself when it is a file.
   */
  private classify(dir: string, watched: WatchedDir, name: string, report: boolean): void {
    const path = join(dir, name);
    const kind = kindOf(path);
    if (kind.missing) watched.names.delete(name);
    else watched.names.add(name);
    if (kind.dir && watched.level < this.depth) {
      if (!this.dirs.has(path)) this.addDir(path, watched.level + 1, report || this.live);
    } else this.dropDir(path);
    if (kind.link && kind.file) this.watchLink(path);
    else this.unwatchLink(path);
    if (report && kind.file) this.onPath(path);
  }

  /** A symlinked vassal file: inotify follows the link, so this watches the file it leads to. */
  private watchLink(path: string): void {
    if (this.links.has(path)) return;
    try {
      const watcher = watch(path, () => {
        // the target may have been replaced by a rename: watch whatever the link leads to now
        this.unwatchLink(path);
        if (!this.closed && kindOf(path).file) this.watchLink(path);
        this.onPath(path);
      });
      watcher.on('error', () => this.unwatchLink(path));
      this.links.set(path, watcher);
    } catch {
      // the target went in between: the directory's events or the rescan will tell
    }
  }

  private unwatchLink(path: string): void {
    this.links.get(path)?.close();
    this.links.delete(path);
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
function kindOf(path: string): { missing: boolean; link: boolean; dir: boolean; file: boolean } {
  let link = false;
  try {
    const own = lstatSync(path);
    link = own.isSymbolicLink();
    const info = link ? statSync(path) : own;
    return { missing: false, link, dir: info.isDirectory(), file: info.isFile() };
  } catch {
    // a symlink to nothing is still a name in the directory
    return { missing: !link, link, dir: false, file: false };
  }
}

function isQuiet(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM' || code === 'ELOOP';
}
