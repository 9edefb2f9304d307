// What the emperor watches: a directory, a glob or a single file, each reduced
// to a root directory, a depth and a matcher over paths relative to the root.
// A vassal's identity is its path relative to the common root of all targets,
// so `a/app.ini` and `b/app.ini` never collide.
import { extname, relative, sep } from 'node:path';
import { globToRegExp, hasGlobChars, patternDepth, splitGlob } from './glob-pattern.js';

/** The config formats a master reads, chosen by extension. */
export const VASSAL_EXTENSIONS: readonly string[] = ['.ini', '.yaml', '.yml', '.json'];

/** One thing to watch, reduced to a root directory and a matcher. */
export interface WatchTarget {
  /** as the user wrote it, made absolute */
  readonly spec: string;
  /** an existing directory */
  readonly root: string;
  /** directory levels below root to watch; undefined for no limit */
  readonly depth: number | undefined;
  /** does this path, relative to root and '/'-separated, name a vassal? */
  readonly matches: (relativePath: string) => boolean;
}

/** What a target path is on disk at start. */
export type PathKind = 'dir' | 'file' | 'missing';

/** Turn an absolute spec into a target, given what the path (or the glob's base) is on disk. */
export function planTarget(spec: string, kind: PathKind): WatchTarget {
  if (hasGlobChars(spec)) {
    const { base, pattern } = splitGlob(spec);
    const regexp = globToRegExp(pattern);
    return { spec, root: base, depth: patternDepth(pattern), matches: (path) => isVassalName(path) && regexp.test(path) };
  }
  if (kind === 'file') {
    const { base, pattern } = splitGlob(spec);
    return { spec, root: base, depth: 0, matches: (path) => path === pattern };
  }
  return { spec, root: spec, depth: 0, matches: (path) => isVassalName(path) && !path.includes('/') };
}

/** Known extension, and no hidden segment: editors and `sed -i` write their temporary files there. */
export function isVassalName(relativePath: string): boolean {
  if (relativePath.split('/').some((segment) => segment.startsWith('.') || segment === '')) return false;
  return VASSAL_EXTENSIONS.includes(extname(relativePath));
}

/** The deepest directory that contains every root. */
export function commonRoot(roots: readonly string[]): string {
  const split = roots.map((root) => root.split(sep).filter((part) => part !== ''));
  const first = split[0] ?? [];
  let length = 0;
  while (length < first.length && split.every((parts) => parts[length] === first[length])) length++;
  return sep + first.slice(0, length).join(sep);
}

/** Even `**` stops somewhere: deeper trees are not vassal directories. */
const MAX_DEPTH = 16;

/** Directory levels below the root that the scan walks and the watcher watches. */
export function levelsOf(target: WatchTarget): number {
  return Math.min(target.depth ?? MAX_DEPTH, MAX_DEPTH);
}

/** The vassal identity of an absolute path: relative to the common root. */
export function identityOf(root: string, absolutePath: string): string {
  return relative(root, absolutePath).split(sep).join('/');
}

/** Does any target claim this absolute path? */
export function isWatchedPath(targets: readonly WatchTarget[], absolutePath: string): boolean {
  return targets.some((target) => {
    const path = relative(target.root, absolutePath);
    return path !== '' && !path.startsWith('..') && target.matches(path.split(sep).join('/'));
  });
}
