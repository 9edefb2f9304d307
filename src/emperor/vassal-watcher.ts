// inotify watching through chokidar, one watcher per target (each has its own
// depth). Events are only hints: every add/change/unlink becomes "look at this
// path again", and the change settler decides what really happened.
import { basename } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { WatchTarget } from './watch-target.js';

/** A running set of chokidar watchers. */
export interface VassalWatcher {
  /** resolves once every target's initial directory read is done */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** Watch every target; `onPath` gets the absolute path of anything that may have changed. */
export function watchTargets(targets: readonly WatchTarget[], onPath: (path: string) => void, onError: (err: Error) => void): VassalWatcher {
  const watchers = targets.map((target) => watchOne(target, onPath, onError));
  const ready = Promise.all(watchers.map((watcher) => new Promise<void>((resolve) => watcher.once('ready', resolve)))).then(() => undefined);
  return { ready, close: async () => void (await Promise.all(watchers.map((watcher) => watcher.close()))) };
}

function watchOne(target: WatchTarget, onPath: (path: string) => void, onError: (err: Error) => void): FSWatcher {
  const watcher = watch(target.root, {
    ignoreInitial: true,
    // the settler does both jobs, without chokidar's 100 ms unlink delay and 2 s stability wait
    atomic: false,
    awaitWriteFinish: false,
    followSymlinks: true,
    ignorePermissionErrors: true,
    ...(target.depth !== undefined && { depth: target.depth }),
    // hidden entries are editors' temporary files and VCS directories
    ignored: (path: string) => path !== target.root && basename(path).startsWith('.'),
  });
  watcher.on('add', onPath);
  watcher.on('change', onPath);
  watcher.on('unlink', onPath);
  watcher.on('error', (err: unknown) => onError(err instanceof Error ? err : new Error(String(err))));
  return watcher;
}
