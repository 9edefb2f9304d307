// Vassal files that are symlinks to nothing: there is no vassal to run, but a
// user who linked a file in expects to hear why nothing starts. Each link is
// reported once (one line, with where it points), not at every rescan, and
// again only if it dangles anew after being mended.
import { readlink } from 'node:fs/promises';
import type { Logger } from '../log/logger.js';

/** Reports the dangling links each rescan finds; `identity` names them as vassals are named. */
export class DanglingLinks {
  private reported = new Set<string>();

  constructor(
    private readonly log: Logger,
    private readonly identity: (path: string) => string,
  ) {}

  /** The dangling links one full scan found: new ones are logged, mended ones forgotten. */
  async report(paths: readonly string[]): Promise<void> {
    const now = new Set<string>();
    for (const path of paths) {
      // a link re-pointed to another missing file is a new report
      const target = await readlink(path).catch(() => null);
      if (target === null) continue;
      const key = `${path}\0${target}`;
      now.add(key);
      if (!this.reported.has(key)) this.log.warn({ vassal: this.identity(path), target }, 'vassal file is a dangling symlink');
    }
    this.reported = now;
  }
}
