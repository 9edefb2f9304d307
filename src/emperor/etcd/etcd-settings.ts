// The emperor's etcd options, converted once: which host this emperor is,
// how it authenticates, and where the vassals it reads are written. The
// password is never an option value (argv is readable by every local user):
// it comes from a file or from the environment.
import { hostname, homedir } from 'node:os';
import { join } from 'node:path';
import type { EmperorOptionName, RawEmperorOption } from '../emperor-options.js';

/** etcd settings shared by every etcd:// target of one emperor. */
export interface EtcdSettings {
  /** this emperor's name in the cluster */
  readonly hostId: string;
  readonly ca: string | undefined;
  readonly cert: string | undefined;
  readonly key: string | undefined;
  readonly user: string | undefined;
  readonly passwordFile: string | undefined;
  /** the base of the private cache directories */
  readonly cache: string;
}

/** True for a target written as etcd://… rather than a path. */
export function isEtcdSpec(value: string): boolean {
  return value.trim().startsWith('etcd://');
}

/** A host id names a directory and a key segment: letters, digits, `_.-`, not starting with a dot. */
export const HOST_ID_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,62}$/;

type Last = (name: EmperorOptionName) => RawEmperorOption | undefined;
type Invalid = (option: RawEmperorOption, expected: string) => never;

/** Read the etcd options (the last of each wins) through the settings' own converters. */
export function buildEtcdSettings(last: Last, path: (option: RawEmperorOption) => string, invalid: Invalid, env: NodeJS.ProcessEnv = process.env): EtcdSettings {
  const optionalPath = (name: EmperorOptionName) => {
    const option = last(name);
    return option === undefined ? undefined : path(option);
  };
  const hostOption = last('host-id');
  const hostId = hostOption === undefined ? hostname() : hostOption.value.trim();
  if (hostOption !== undefined && !HOST_ID_PATTERN.test(hostId)) invalid(hostOption, 'letters, digits, "_", "." or "-" (at most 63, not starting with ".")');
  const userOption = last('etcd-user');
  if (userOption !== undefined && userOption.value.trim() === '') invalid(userOption, 'a user name');
  const settings: EtcdSettings = {
    hostId,
    ca: optionalPath('etcd-ca'),
    cert: optionalPath('etcd-cert'),
    key: optionalPath('etcd-key'),
    user: userOption?.value.trim(),
    passwordFile: optionalPath('etcd-password-file'),
    cache: optionalPath('etcd-cache') ?? defaultCacheBase(env),
  };
  const cert = last('etcd-cert');
  const key = last('etcd-key');
  if ((cert === undefined) !== (key === undefined)) invalid((cert ?? key) as RawEmperorOption, 'given with its pair (etcd-cert and etcd-key go together)');
  return Object.freeze(settings);
}

/** root: /run/uwemperor/etcd; another user: $XDG_RUNTIME_DIR/uwemperor-etcd, or ~/.uwemperor-etcd. */
export function defaultCacheBase(env: NodeJS.ProcessEnv, uid: number = process.getuid?.() ?? 0): string {
  if (uid === 0) return '/run/uwemperor/etcd';
  const runtime = env.XDG_RUNTIME_DIR;
  return runtime !== undefined && runtime !== '' ? join(runtime, 'uwemperor-etcd') : join(homedir(), '.uwemperor-etcd');
}
