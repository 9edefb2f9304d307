// The few OS facts and file checks the loader needs, behind one interface so
// tests can pin the hostname, clock or ids without touching the machine.
import { access, constants, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import { runHelper } from '../process/run-helper.js';
import { findEntry } from './lookup-ids.js';
import { MAX_CONFIG_BYTES, readBounded } from './read-bounded.js';

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
  /** with `owner`: refused unless the file read is that uid's */
  readFile(path: string, owner?: number): Promise<string>;
  pathKind(path: string): Promise<PathKind>;
  /** a regular file this process may execute */
  isExecutable(path: string): Promise<boolean>;
  facts(): HostFacts;
  /** one line of the system's passwd or group database (NSS), by name or id, or undefined */
  getent(database: 'passwd' | 'group', key: string): Promise<string | undefined>;
  /** the index of the first check a process with `ids` fails, or -1: checked as that user, in one helper process */
  firstDenied(checks: readonly AccessRequest[], ids: WorkerIds): Promise<number>;
}

/** One path and what must be possible with it. */
export interface AccessRequest {
  readonly path: string;
  readonly mode: AccessMode;
}

/** Runs as the workers' user: `MODE PATH` pairs as arguments; prints the index of the first denied one. */
const ACCESS_SCRIPT = `i=0
while [ $# -gt 1 ]; do
  case $1 in read) test -r "$2" ;; enter) (cd -- "$2") 2>/dev/null ;; execute) test -x "$2" ;; esac || { echo "$i"; exit 1; }
  i=$((i + 1)); shift 2
done`;

/** The real machine. */
export const nodeHost: ConfigHost = {
  readFile: (path, owner) => readBounded(path, MAX_CONFIG_BYTES, owner),
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
  async firstDenied(checks, ids) {
    if (checks.length === 0) return -1;
    const pairs = checks.flatMap(({ path, mode }) => [mode, path]);
    const { code, stdout } = await runHelper('/bin/sh', ['-c', ACCESS_SCRIPT, 'uw-access-check', ...pairs], ids);
    if (code === 0) return -1;
    // a helper that could not even run (killed, no output) denies the first
    return /^\d+$/.test(stdout.trim()) ? Number(stdout.trim()) : 0;
  },
};
