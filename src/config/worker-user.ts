// Who the workers run as: `uid` and `gid` resolved through the system (NSS),
// the user's primary group when only `uid` is set (never root's group 0 by
// accident), its supplementary groups, and a check, as that user and in one
// helper process, that it can use the paths a worker needs: a crash loop says
// far less than one line.
import { UwError } from '../errors.js';
import { shown } from './raw-entry.js';
import type { AccessMode, ConfigHost, WorkerIds } from './host.js';
import { ID_DATABASE, lookupId, lookupUser } from './lookup-ids.js';
import { invalidValue, type Setting, type Settings } from './settings.js';
import { WORKER_ENTRY } from '../process/worker-entry.js';

/** The ids part of VassalConfig. */
export interface WorkerUser {
  readonly uid?: number;
  readonly gid?: number;
  readonly initGroups?: true;
}

/** Collects the paths the workers need, then checks them all at once; throws UW_CONFIG_PERMISSION naming the path and the user. */
export interface AccessChecks {
  add(path: string, mode: AccessMode, setting: Setting): void;
  run(): Promise<void>;
}

const VERB: Readonly<Record<AccessMode, string>> = { read: 'read', enter: 'enter the directory', execute: 'execute' };

/** uid and gid as numbers; gid defaults to the user's primary group. */
export async function resolveWorkerUser(settings: Settings, host: ConfigHost): Promise<WorkerUser & { readonly label?: string }> {
  const uidSetting = settings.last('uid');
  const gidSetting = settings.last('gid');
  const user = uidSetting === undefined ? undefined : await lookupUser(uidSetting.value, host);
  if (uidSetting !== undefined && user === undefined) throw invalidValue(uidSetting, 'a user name or number', ID_DATABASE.user);
  let gid = gidSetting === undefined ? undefined : await lookupId('group', gidSetting.value, host);
  if (gidSetting !== undefined && gid === undefined) throw invalidValue(gidSetting, 'a group name or number', ID_DATABASE.group);
  if (uidSetting !== undefined && gid === undefined) {
    // a uid with no passwd entry has no primary group: root's group 0 must not be the silent default
    if (user?.gid === undefined) throw invalidValue(uidSetting, 'a user known to the system, or gid set too', 'its primary group is unknown');
    gid = user.gid;
  }
  refuseRaise(uidSetting, user?.uid, gidSetting ?? uidSetting, gid, host);
  return {
    ...(user !== undefined && { uid: user.uid }),
    ...(gid !== undefined && { gid }),
    ...(user?.name !== undefined && { initGroups: true as const, label: `user "${user.name}" (uid ${user.uid})` }),
    ...(user !== undefined && user.name === undefined && { label: `uid ${user.uid}` }),
  };
}

/** Set by the emperor in a tyrant master's environment: the master runs as its vassal file's owner. */
export const TYRANT_ENV = 'UW_TYRANT';

/**
 * A tyrant master runs as the vassal file's owner: a uid or gid other than its
 * own would raise it above the owner, and the kernel would refuse it anyway.
 * Refused (uWSGI ignores it), so the vassal says at once it will not run as the
 * user its file names. Outside tyrant mode a non-root master ignores them, as uWSGI.
 */
function refuseRaise(uidSetting: Setting | undefined, uid: number | undefined, gidSetting: Setting | undefined, gid: number | undefined, host: ConfigHost): void {
  const facts = host.facts();
  if (process.env[TYRANT_ENV] !== '1' || facts.uid === 0) return;
  const [setting, what] = uid !== undefined && uid !== facts.uid ? [uidSetting, `uid ${uid}`] : gid !== undefined && gid !== facts.gid ? [gidSetting, `gid ${gid}`] : [undefined, ''];
  if (setting === undefined) return;
  throw new UwError('UW_CONFIG_PRIVILEGE', `option ${shown(setting, setting.key, 'key')}: tyrant mode runs this vassal as its file's owner (uid ${facts.uid} gid ${facts.gid}); it cannot switch to ${what}`, {
    file: setting.file,
    key: setting.included ? undefined : setting.key,
  });
}

/**
 * The AccessChecks for workers started as `user`. They only matter, and only
 * run, when this process is root and the user is not: otherwise the workers
 * run as we do.
 */
export function accessChecks(user: WorkerUser & { readonly label?: string }, host: ConfigHost): AccessChecks {
  const checks: { path: string; mode: AccessMode; setting: Setting }[] = [];
  return {
    add(path, mode, setting) {
      checks.push({ path, mode, setting });
      if (setting.name === 'module') checks.push({ path: WORKER_ENTRY, mode: 'read', setting });
    },
    async run() {
      if (user.uid === undefined || user.uid === 0 || host.facts().uid !== 0) return;
      const ids: WorkerIds = { uid: user.uid, gid: user.gid, initGroups: user.initGroups === true };
      const denied = checks[await host.firstDenied(checks, ids)];
      if (denied === undefined) return;
      // a path taken from an included file is not shown (the file may not be a config file at all)
      const setting = denied.setting;
      const what = denied.path === WORKER_ENTRY ? `uw's worker entry ${denied.path} (install uw where that user can read it)` : setting.included ? shown(setting, denied.path) : denied.path;
      const who = user.label ?? `uid ${user.uid}`;
      throw new UwError('UW_CONFIG_PERMISSION', `option ${shown(setting, setting.key, 'key')}: the workers' ${who} cannot ${VERB[denied.mode]} ${what}`, {
        file: setting.file,
        key: setting.included ? undefined : setting.key,
      });
    },
  };
}
