// How the emperor starts a master with another binary (uWSGI's own): the
// command line uWSGI's Emperor gives a vassal (core/emperor.c), its emperor
// protocol on a socketpair at fd 3 (UWSGI_EMPEROR_FD=3), the environment
// cleaned as uWSGI's Emperor cleans it, and the same parent-death signal and
// process group as a uw master.
import { dirname, extname, join } from 'node:path';
import type { SpawnRequest } from '../process/spawn.js';
import type { MasterCommandSettings } from './master-command.js';
import type { TyrantMaster } from './tyrant-master.js';

/** The descriptor the master finds its end of the socketpair at: stdio index 3. */
export const EMPEROR_FD = 3;

/** The emperor settings a uWSGI command line takes. */
export type UwsgiCommandSettings = Pick<MasterCommandSettings, 'vassalSet' | 'vassalsInherit' | 'vassalLogtoDir'>;

/** uWSGI's flag for a config file, by extension (a zerg instance's `file:zerg` is looked up by its file). */
export function configFlag(file: string): string {
  switch (extname(file.replace(/:zerg$/, '')).toLowerCase()) {
    case '.ini':
      return '--ini';
    case '.yml':
    case '.yaml':
      return '--yaml';
    case '.json':
    case '.js':
      return '--json';
    case '.xml':
      return '--xml';
    default:
      return '--inherit';
  }
}

/** uWSGI's order: `--set` pairs, the config flag and file, then the templates as `--inherit`. */
export function uwsgiArgs(settings: UwsgiCommandSettings, identity: string, file: string): string[] {
  // before the file, as vassal-set is: the vassal's own logto wins
  const logto = settings.vassalLogtoDir === undefined ? [] : ['--set', `logto=${join(settings.vassalLogtoDir, `${identity.replaceAll('/', '_')}.log`)}`];
  return [
    ...logto,
    ...settings.vassalSet.flatMap((assignment) => ['--set', assignment]),
    configFlag(file),
    file,
    ...settings.vassalsInherit.flatMap((template) => ['--inherit', template]),
  ];
}

/** The emperor's environment as uWSGI's Emperor passes it on: UWSGI_VASSAL_X becomes UWSGI_X; its own reload count and systemd's socket are not the vassal's. */
export function uwsgiEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (key === 'UWSGI_RELOADS' || key === 'NOTIFY_SOCKET' || key === 'UWSGI_EMPEROR_FD' || key === 'UWSGI_EMPEROR_FD_CONFIG') continue;
    out[key.startsWith('UWSGI_VASSAL_') ? `UWSGI_${key.slice('UWSGI_VASSAL_'.length)}` : key] = value;
  }
  out.UWSGI_EMPEROR_FD = String(EMPEROR_FD);
  return out;
}

/**
 * The spawn request for `binary` running the vassal `file`, named `identity`; tyrant mode: as `runAs` with its
 * groups, its allow-listed environment and its owner's log subdirectory (as a uw master, see tyrant-master.ts).
 */
export function uwsgiSpawnRequest(settings: UwsgiCommandSettings, binary: string, identity: string, file: string, runAs?: TyrantMaster): SpawnRequest {
  const logDir = runAs === undefined ? settings.vassalLogtoDir : runAs.logDir;
  return {
    command: binary,
    args: uwsgiArgs({ ...settings, vassalLogtoDir: logDir }, identity, file),
    cwd: dirname(file),
    // stdin from /dev/null as uWSGI's Emperor does; a 'pipe' at index 3 is a UNIX socketpair in libuv
    stdio: ['ignore', 'inherit', 'inherit', 'pipe'],
    env: uwsgiEnv(runAs?.env ?? process.env),
    ...(runAs !== undefined && { uid: runAs.uid, gid: runAs.gid, initGroups: true }),
    dieWithParent: true,
    ownProcessGroup: true,
  };
}
