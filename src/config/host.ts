// The few OS facts and file checks the loader needs, behind one interface so
// tests can pin the hostname, clock or ids without touching the machine.
import { access, constants, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import { runHelper } from '../process/run-helper.js';
import { findEntry } from './lookup-ids.js';

export interface HostFacts {
  readonly hostname: string;
  readonly cpus: number;
  readonly uid: number;
  readonly gid: number;
  readonly nowMs: number;
}

export type PathKind = 'file' | 'directory' | 'other' | 'missing';

/** What a worker's user must be able to do with a path. */
export type AccessMode = 'read' | 'enter' | 'execute';

/** The ids a worker runs with. */
export interface WorkerIds {
  readonly uid: number;
  readonly gid: number | undefined;
  readonly initGroups: boolean;
}

export interface ConfigHost {
  readFile(path: string): Promise<string>;
  pathKind(path: string): Promise<PathKind>;
  /** a regular file this process may execute */
  isExecutable(path: string): Promise<boolean>;
  facts(): HostFacts;
  /** one line of the system's passwd or group database (NSS), by name or id, or undefined */
  getent(database: 'passwd' | 'group', key: string): Promise<string | undefined>;
  /** whether a process with `ids` may read, enter or execute `path`: checked as that user */
  canAccess(path: string, mode: AccessMode, ids: WorkerIds): Promise<boolean>;
}

const ACCESS_TEST: Readonly<Record<AccessMode, string>> = { read: 'test -r "$1"', enter: 'cd -- "$1"', execute: 'test -x "$1"' };

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
  async getent(database, key) {
    try {
      const { code, stdout } = await runHelper('getent', [database, key]);
      return code === 0 ? stdout.split('\n')[0] : undefined;
    } catch {
      // no getent (a minimal container): the files are all there is
      return findEntry(await readFile(`/etc/${database}`, 'utf8').catch(() => ''), key);
    }
  },
  async canAccess(path, mode, ids) {
    const { code } = await runHelper('/bin/sh', ['-c', ACCESS_TEST[mode], 'uw-access-check', path], ids);
    return code === 0;
  },
};
