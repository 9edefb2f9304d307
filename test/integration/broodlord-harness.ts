// Shared by the broodlord tests: a vassal file with a zerg server, vassal-sos
// and a [zerg] section, its emperor with emperor-broodlord, and a slow load.
import { FIXTURES } from '../helpers/paths.js';
import { startLoad, type Load } from '../helpers/load.js';
import type { SpawnedCli } from '../helpers/spawned-cli.js';
import { startEmperor, type VassalDir } from './emperor-harness.js';

export const SLOW_APP = `${FIXTURES}apps/slow.mjs`;

/** The [zerg] section: one worker on the vassal's sockets, retiring after `idle` seconds. */
export const zergSection = (dir: VassalDir, extra = ''): string =>
  `[zerg]\nzerg = ${dir.file('zerg.sock')}\nmodule = ${SLOW_APP}\nprocesses = 1\nidle = 2\ndie-on-idle = true\n${extra}`;

/** A vassal whose one worker asks for reinforcements after 1 s of being busy. */
export const broodVassal = (dir: VassalDir, port: number, options: { main?: string; zerg?: string | null } = {}): string =>
  `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${SLOW_APP}\nprocesses = 1\nzerg-server = ${dir.file('zerg.sock')}\nvassal-sos = 1\n${options.main ?? ''}\n` +
  (options.zerg === null ? '' : zergSection(dir, options.zerg));

/** The emperor on `dir` with real masters and emperor-broodlord = max. */
export const broodEmperor = (dir: VassalDir, max: number, extra: readonly string[] = []): SpawnedCli =>
  startEmperor(['--emperor-broodlord', String(max), ...extra, dir.path], { fake: false });

/** Requests that each keep a worker busy for 300 ms, from 6 clients. */
export const slowLoad = (port: number): Load => startLoad(port, { keepAlive: 3, fresh: 3 }, 120_000, '/slow?ms=300');
