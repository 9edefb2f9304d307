// touch-reload: a file whose mtime changes, or which appears or disappears,
// asks for a graceful reload. Polled once a second with stat, as uWSGI's master
// does: cheap for a handful of files, and it works on every file system.
import { unwatchFile, watchFile, type Stats } from 'node:fs';

const INTERVAL_MS = 500;

/** Watch `paths`; call `onTouch(path)` on a change. Returns the function that stops watching. */
export function watchTouchReload(paths: readonly string[], onTouch: (path: string) => void): () => void {
  const listeners = paths.map((path) => {
    const listener = (current: Stats, previous: Stats): void => {
      if (current.mtimeMs !== previous.mtimeMs || current.ino !== previous.ino) onTouch(path);
    };
    watchFile(path, { interval: INTERVAL_MS, persistent: false }, listener);
    return { path, listener };
  });
  return () => {
    for (const { path, listener } of listeners) unwatchFile(path, listener);
  };
}
