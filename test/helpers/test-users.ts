// Real users for the security tests (run as root): created with useradd when
// missing, named uwt-*, removed afterwards if this run created them (test files
// run concurrently: each file uses names of its own, or one file's cleanup would
// delete the users another is running vassals as). A base
// directory under /tmp that they can traverse (mkdtemp makes 0700 ones).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A user as the system knows it. */
export interface TestUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** Why the security tests cannot run here, or undefined when they can (root with useradd). */
export function skipUnlessRoot(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root: these tests create users and run masters as them';
  return undefined;
}

function getent(database: 'passwd' | 'group', key: string): string[] | undefined {
  try {
    return execFileSync('getent', [database, key], { encoding: 'utf8' }).trim().split(':');
  } catch {
    return undefined;
  }
}

/** Users and groups made by this run, for removal. */
export class TestUsers {
  private readonly madeUsers: string[] = [];
  private readonly madeGroups: string[] = [];

  /** The group `name`, created if missing; its gid. */
  group(name: string): number {
    if (getent('group', name) === undefined) {
      execFileSync('groupadd', [name]);
      this.madeGroups.push(name);
    }
    return Number(getent('group', name)?.[2]);
  }

  /** The user `name` (its own primary group, `groups` as supplementary), created if missing. */
  user(name: string, groups: readonly string[] = []): TestUser {
    if (getent('passwd', name) === undefined) {
      execFileSync('useradd', ['--no-create-home', '--user-group', '--shell', '/usr/sbin/nologin', ...(groups.length > 0 ? ['--groups', groups.join(',')] : []), name]);
      this.madeUsers.push(name);
    }
    const fields = getent('passwd', name) ?? [];
    return { name, uid: Number(fields[2]), gid: Number(fields[3]) };
  }

  /** Remove what this run created. */
  remove(): void {
    for (const name of this.madeUsers) execFileSync('userdel', [name]);
    for (const name of this.madeGroups) if (getent('group', name) !== undefined) execFileSync('groupdel', [name]);
  }
}

/** A directory every user can traverse (0755), for vassal files owned by test users. */
export function openTempDir(prefix: string): { readonly path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(path, 0o755);
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
