// A full walk of one watch target: the initial inventory and the periodic
// rescan that catches whatever the watcher missed (a full inotify queue, a
// network file system, a directory moved in whole).
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { levelsOf, type WatchTarget } from './watch-target.js';

/** Absolute paths of every vassal file the target matches now; matching symlinks to nothing go to `dangling`. */
export async function scanTarget(target: WatchTarget, dangling: string[] = []): Promise<string[]> {
  const found: string[] = [];
  await walk(target, target.root, '', levelsOf(target), { found, dangling });
  return found;
}

interface Findings {
  readonly found: string[];
  readonly dangling: string[];
}

async function walk(target: WatchTarget, dir: string, prefix: string, levelsLeft: number, out: Findings): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    // vanished or unreadable since the last event: the next scan will tell
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const absolute = join(dir, entry.name);
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    const kind = entry.isSymbolicLink() ? await kindOf(absolute) : entry.isDirectory() ? 'dir' : entry.isFile() ? 'file' : 'other';
    if (kind === 'file' && target.matches(relative)) out.found.push(absolute);
    else if (kind === 'missing' && target.matches(relative)) out.dangling.push(absolute);
    else if (kind === 'dir' && levelsLeft > 0) await walk(target, absolute, relative, levelsLeft - 1, out);
  }
}

/** What a symlink leads to; 'missing' when it leads nowhere (or loops). */
async function kindOf(path: string): Promise<'dir' | 'file' | 'other' | 'missing'> {
  try {
    const stats = await stat(path);
    return stats.isDirectory() ? 'dir' : stats.isFile() ? 'file' : 'other';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ELOOP' ? 'missing' : 'other';
  }
}
