// Shared by the emperor's integration tests: a temporary vassal directory, an
// emperor started on it (with the fake master unless told otherwise), and
// waits on its parsed log lines.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, afterEach } from 'node:test';
import { dirname, join } from 'node:path';
import { EMPEROR_BIN, FIXTURES } from '../helpers/paths.js';
import { killAll, SpawnedCli, type LogLine } from '../helpers/spawned-cli.js';

export const FAKE_MASTER = `${FIXTURES}emperor/fake-master.mjs`;

/** A fresh directory for vassal files; `remove` in an after hook. */
export class VassalDir {
  readonly path = mkdtempSync(join(tmpdir(), 'uw-emperor-'));

  file(name: string): string {
    return join(this.path, name);
  }

  /** Write a vassal file (creating subdirectories), return its path. */
  write(name: string, content: string): string {
    const path = this.file(name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    return path;
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** Start uwemperor; with `fake` (the default) masters are fixtures/emperor/fake-master.mjs. */
export function startEmperor(args: readonly string[], options: { fake?: boolean; cwd?: string; env?: NodeJS.ProcessEnv } = {}): SpawnedCli {
  const masterArgs = options.fake === false ? [] : ['--master-bin', FAKE_MASTER];
  return new SpawnedCli(EMPEROR_BIN, [...masterArgs, ...args], {
    ...(options.cwd !== undefined && { cwd: options.cwd }),
    ...(options.env !== undefined && { env: options.env }),
  });
}

/** Wait until `vassal` has entered `to` for the `count`-th time. */
export function waitForState(cli: SpawnedCli, vassal: string, to: string, count = 1, timeoutMs = 15_000): Promise<LogLine> {
  return cli.waitForLog('vassal state', { vassal, to }, count, timeoutMs);
}

/** The states a vassal went through, in order. */
export function statesOf(cli: SpawnedCli, vassal: string): string[] {
  return cli.find('vassal state', { vassal }).map((line) => String(line.to));
}

/** Lines with this message for this vassal. */
export function count(cli: SpawnedCli, msg: string, vassal: string): number {
  return cli.find(msg, { vassal }).length;
}

/** A fresh VassalDir per call, all removed after the file's tests; every process killed after each test. */
export function useVassalDirs(): () => VassalDir {
  const dirs: VassalDir[] = [];
  afterEach(() => killAll());
  after(() => dirs.forEach((dir) => dir.remove()));
  return () => {
    const dir = new VassalDir();
    dirs.push(dir);
    return dir;
  };
}
