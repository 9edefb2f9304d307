// Everything a tyrant master is started with beyond its ids, decided by the
// emperor (root) just before the spawn: the owner's account (tyrant-account.ts),
// its allow-listed environment (tyrant-env.ts) and its log subdirectory
// (owner-log-dir.ts). A file whose owner has no account is not started; a log
// subdirectory that cannot be used costs the vassal its log file, not its start.
import type { Logger } from '../log/logger.js';
import { ownerLogDir } from './owner-log-dir.js';
import { ownerAccount, type AccountLookup } from './tyrant-account.js';
import { tyrantEnv } from './tyrant-env.js';

/** The ids, environment and log directory of one tyrant master. */
export interface TyrantMaster {
  readonly uid: number;
  readonly gid: number;
  readonly env: NodeJS.ProcessEnv;
  /** DIR/<uid> of vassal-logto-dir, ready for the owner; undefined: none set, or refused */
  readonly logDir: string | undefined;
}

/** What the decision reads: the account databases, the emperor's environment, vassal-logto-dir, tyrant-allow-root. */
export interface TyrantMasterDeps {
  readonly lookup: AccountLookup;
  readonly env: NodeJS.ProcessEnv;
  readonly vassalLogtoDir: string | undefined;
  /** tyrant-allow-root: the owner's primary group may be 0 */
  readonly allowRoot: boolean;
  readonly logger: Logger;
}

/** The master for the file owner `ids`; throws an Error with the one line why it cannot start. */
export function tyrantMaster(ids: { readonly uid: number; readonly gid: number }, deps: TyrantMasterDeps): TyrantMaster {
  const account = ownerAccount(ids, deps.lookup, deps.allowRoot);
  if ('reason' in account) throw new Error(account.reason);
  let logDir: string | undefined;
  if (deps.vassalLogtoDir !== undefined) {
    try {
      logDir = ownerLogDir(deps.vassalLogtoDir, account);
    } catch (err) {
      deps.logger.error({ uid: account.uid, error: (err as Error).message }, 'vassal log directory refused');
    }
  }
  return { uid: account.uid, gid: account.gid, env: tyrantEnv(deps.env, account), logDir };
}
