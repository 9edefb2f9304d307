// A copy of the built uw and the test apps where any user can read them. Tests
// that run workers as another user (nobody) need that user to read the worker
// entry and the module, and the checkout may lie under a 0700 directory
// (/root, a mktemp -d directory), where it could not.
import { chmodSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { APPS, REPO_ROOT } from './paths.js';
import type { TempDir } from './temp-dir.js';

export interface ReadableBuild {
  /** the copied uw entry */
  readonly uwBin: string;
  /** the copied test apps directory, with a trailing slash */
  readonly apps: string;
}

/** Copy dist/src and the test apps into `dir` (made 0755); the bundles need nothing from node_modules for an ini vassal. */
export function readableBuild(dir: TempDir): ReadableBuild {
  chmodSync(dir.path, 0o755);
  const dist = join(dir.path, 'dist', 'src');
  cpSync(join(REPO_ROOT, 'dist', 'src'), dist, { recursive: true });
  cpSync(APPS, join(dir.path, 'apps'), { recursive: true });
  return { uwBin: join(dist, 'cli', 'uw.js'), apps: `${join(dir.path, 'apps')}/` };
}
