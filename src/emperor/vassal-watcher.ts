// inotify watching through chokidar, one watcher per target (each has its own
// depth). Events are only hints: every add/change/unlink becomes "look at this
// path again", and the change settler decides what really happened.
//
// chokidar watches a directory's inode: once the vassal directory is removed,
// a directory recreated at its path is a new inode it never hears of. A watch
// on the parent directory notices the name coming back, and the target is
// watched afresh, every file in it reported as new.
import { watch as watchDirectory, type FSWatcher as DirectoryWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { WatchTarget } from './watch-target.js';

/** A running set of chokidar watchers. */
export interface VassalWatcher {
  /** resolves once every target's initial directory read is done */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

type OnPath = (path: string) => void;
type OnError = (err: Error) => void;

/** Watch every target; `onPath` gets the absolute path of anything that may have changed. */
export function watchTargets(targets: readonly WatchTarget[], onPath: OnPath, onError: OnError): VassalWatcher {
  const watchers = targets.map((target) => new TargetWatcher(target, onPath, onError));
  const ready = Promise.all(watchers.map((watcher) => watcher.ready)).then(() => undefined);
  return { ready, close: async () => void (await Promise.all(watchers.map((watcher) => watcher.close()))) };
}

/** One target's chokidar watcher, started again when its root directory is recreated. */
class TargetWatcher {
  readonly ready: Promise<void>;
  private watcher: FSWatcher;
  private readonly parent: DirectoryWatcher | null;
  private rootIno: number | undefined;
  private checking: Promise<void> | null = null;
  private again = false;
  private closed = false;

  constructor(
    private readonly target: WatchTarget,
    private readonly onPath: OnPath,
    private readonly onError: OnError,
  ) {
    this.watcher = this.start(true);
    const watcher = this.watcher;
    this.ready = Promise.all([new Promise<void>((resolve) => watcher.once('ready', resolve)), this.inode().then((ino) => void (this.rootIno = ino))]).then(() => undefined);
    this.parent = this.watchParent();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.parent?.close();
    await this.checking;
    await this.watcher.close();
  }

  private start(ignoreInitial: boolean): FSWatcher {
    const { target } = this;
    const watcher = watch(target.root, {
      ignoreInitial,
      // the settler does both jobs, without chokidar's 100 ms unlink delay and 2 s stability wait
      atomic: false,
      awaitWriteFinish: false,
      followSymlinks: true,
      ignorePermissionErrors: true,
      ...(target.depth !== undefined && { depth: target.depth }),
      // hidden entries are editors' temporary files and VCS directories
      ignored: (path: string) => path !== target.root && basename(path).startsWith('.'),
    });
    watcher.on('add', this.onPath);
    watcher.on('change', this.onPath);
    watcher.on('unlink', this.onPath);
    watcher.on('error', (err: unknown) => this.onError(err instanceof Error ? err : new Error(String(err))));
    return watcher;
  }

  /** Events in the root's parent that name the root; none for `/`. */
  private watchParent(): DirectoryWatcher | null {
    const { root } = this.target;
    if (dirname(root) === root) return null;
    try {
      const parent = watchDirectory(dirname(root), { persistent: false }, (_event, name) => {
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
    if (ino === undefined) return;
    // a new directory at the root's path: watch it, and report what is already in it
    const old = this.watcher;
    this.watcher = this.start(false);
    await old.close();
  }

  private inode(): Promise<number | undefined> {
    return stat(this.target.root).then(
      (info) => (info.isDirectory() ? info.ino : undefined),
      () => undefined,
    );
  }
}
