// How the emperor starts a vassal's master: node running the uw entry script,
// in the vassal file's directory, with an IPC channel, and under a parent-death
// signal so the master dies with the emperor even if the emperor is SIGKILLed,
// and in its own process group so a terminal's signals reach only the emperor.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parkCaCerts } from '../process/ca-certs-env.js';
import { MASTER_NODE_FLAGS, parkThreadPool } from '../process/thread-pools.js';
import type { SpawnRequest } from '../process/spawn.js';
import { LOG_FORMAT_ENV, VASSAL_LOGTO_ENV } from '../config/log-options.js';
import { TYRANT_ENV } from '../config/worker-user.js';
import { KEEPER_ENV } from '../ipc/protocol.js';
import type { TyrantMaster } from './tyrant-master.js';

/** dist/src/emperor/master-command.js -> dist/src/cli/uw-master.cjs: uw bundled as CommonJS, which starts cheaper (scripts/bundle.mjs) */
export const BUNDLED_MASTER_BIN = fileURLToPath(new URL('../cli/uw-master.cjs', import.meta.url));

/** The emperor settings that shape every master's command line. */
export interface MasterCommandSettings {
  readonly masterBin: string | undefined;
  readonly vassalsInherit: readonly string[];
  /** "key=value", passed as --key=value after the vassal file so it wins */
  readonly vassalSet: readonly string[];
  /** where the master logs unless its vassal sets logto: DIR/<vassal>.log, else the emperor's own logto */
  readonly vassalLogtoDir: string | undefined;
  readonly logto: string | undefined;
  /** the emperor's format, for masters whose vassal sets none */
  readonly logFormat: 'json' | 'text';
}

/** The spawn request for the master of `file`, named `identity` in its logs and title; tyrant mode: run as `runAs` with its groups and environment. */
export function masterSpawnRequest(settings: MasterCommandSettings, identity: string, file: string, runAs?: TyrantMaster): SpawnRequest {
  return {
    command: process.execPath,
    args: [
      ...MASTER_NODE_FLAGS,
      settings.masterBin ?? BUNDLED_MASTER_BIN,
      '--vassal-name',
      identity,
      ...settings.vassalsInherit.flatMap((template) => ['--vassals-inherit', template]),
      file,
      ...settings.vassalSet.map((assignment) => `--${assignment}`),
    ],
    cwd: dirname(file),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...parkThreadPool(parkCaCerts(runAs?.env ?? process.env)), ...logEnv(settings, identity, runAs), ...(runAs !== undefined && { [TYRANT_ENV]: '1' }),
      // KEEPER_ENV: the master asks this emperor for the socket copies it keeps (emperor/socket-keeper.ts);
      // UW_SOCKET_KEEPER=off in the emperor's environment turns that off (a seam for `npm run bench -- --only crash`)
      [KEEPER_ENV]: process.env[KEEPER_ENV] === 'off' ? 'off' : '1',
    },
    ...(runAs !== undefined && { uid: runAs.uid, gid: runAs.gid, initGroups: true }),
    dieWithParent: true,
    // a Ctrl+C (or systemd's SIGTERM to the group) reaches only the emperor, which then stops each master gracefully
    ownProcessGroup: true,
  };
}

/**
 * The log defaults a master takes unless its vassal names its own (see config/log-options.ts).
 * A tyrant master is not sent to the emperor's own log file: that is root's, and the owner may not open it;
 * with vassal-logto-dir it logs in its owner's subdirectory (see owner-log-dir.ts).
 */
function logEnv(settings: MasterCommandSettings, identity: string, tyrant: TyrantMaster | undefined): NodeJS.ProcessEnv {
  const dir = tyrant === undefined ? settings.vassalLogtoDir : tyrant.logDir;
  const shared = tyrant === undefined ? settings.logto : undefined;
  const file = dir === undefined ? shared : join(dir, `${identity.replaceAll('/', '_')}.log`);
  return { [LOG_FORMAT_ENV]: settings.logFormat, ...(file !== undefined && { [VASSAL_LOGTO_ENV]: file }) };
}
