// Turn the configured targets into watch targets, checking the file system once
// at start: a plain path must exist, and a glob's static base must be a directory.
import { stat } from 'node:fs/promises';
import { UwError } from '../errors.js';
import { hasGlobChars, splitGlob } from './glob-pattern.js';
import { planTarget, type PathKind, type WatchTarget } from './watch-target.js';

/** Every spec as a WatchTarget; a clear error for the first one that cannot be watched. */
export async function resolveTargets(specs: readonly string[]): Promise<WatchTarget[]> {
  return Promise.all(
    specs.map(async (spec) => {
      const checked = hasGlobChars(spec) ? splitGlob(spec).base : spec;
      const kind = await pathKind(checked);
      if (kind === 'missing' || (kind === 'file' && checked !== spec)) {
        throw new UwError('UW_USAGE', `cannot watch ${spec}: ${checked} is not ${checked === spec ? 'a directory or file' : 'a directory'}`);
      }
      return planTarget(spec, kind);
    }),
  );
}

async function pathKind(path: string): Promise<PathKind> {
  try {
    const stats = await stat(path);
    return stats.isDirectory() ? 'dir' : stats.isFile() ? 'file' : 'missing';
  } catch {
    return 'missing';
  }
}
