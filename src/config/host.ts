// The few OS facts and file checks the loader needs, behind one interface so
// tests can pin the hostname, clock or ids without touching the machine.
import { access, constants, readFile, stat } from 'node:fs/promises';
import os from 'node:os';

export interface HostFacts {
  readonly hostname: string;
  readonly cpus: number;
  readonly uid: number;
  readonly gid: number;
  readonly nowMs: number;
}

export type PathKind = 'file' | 'directory' | 'other' | 'missing';

export interface ConfigHost {
  readFile(path: string): Promise<string>;
  pathKind(path: string): Promise<PathKind>;
  /** a regular file this process may execute */
  isExecutable(path: string): Promise<boolean>;
  facts(): HostFacts;
}

/** The real machine. */
export const nodeHost: ConfigHost = {
  readFile: (path) => readFile(path, 'utf8'),
  async pathKind(path) {
    try {
      const info = await stat(path);
      return info.isFile() ? 'file' : info.isDirectory() ? 'directory' : 'other';
    } catch {
      return 'missing';
    }
  },
  async isExecutable(path) {
    if ((await nodeHost.pathKind(path)) !== 'file') return false;
    try {
      await access(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  facts: () => ({
    hostname: os.hostname(),
    cpus: os.availableParallelism(),
    uid: process.getuid?.() ?? 0,
    gid: process.getgid?.() ?? 0,
    nowMs: Date.now(),
  }),
};
