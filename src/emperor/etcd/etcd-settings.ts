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
  /** the lease TTL of this host's member and status keys (placement, etcd/cluster.ts) */
  readonly ttlSeconds: number;
  /** this host's labels, matched against a vassal's `labels` */
  readonly labels: readonly string[];
}

/** etcd-ttl's default and bounds: etcd refuses leases shorter than about 2 s with its default timing. */
export const ETCD_TTL = Object.freeze({ default: 10, min: 2, max: 3_600 });

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
    ...clusterSettings(last, invalid),
  };
  const cert = last('etcd-cert');
  const key = last('etcd-key');
  if ((cert === undefined) !== (key === undefined)) invalid((cert ?? key) as RawEmperorOption, 'given with its pair (etcd-cert and etcd-key go together)');
  return Object.freeze(settings);
}

/** etcd-ttl (whole seconds) and host-labels (comma-separated). */
function clusterSettings(last: Last, invalid: Invalid): Pick<EtcdSettings, 'ttlSeconds' | 'labels'> {
  const ttl = last('etcd-ttl');
  const ttlSeconds = ttl === undefined ? ETCD_TTL.default : Number(ttl.value.trim());
  if (ttl !== undefined && (!/^\d+$/.test(ttl.value.trim()) || ttlSeconds < ETCD_TTL.min || ttlSeconds > ETCD_TTL.max)) invalid(ttl, `whole seconds from ${ETCD_TTL.min} to ${ETCD_TTL.max}`);
  const labelsOption = last('host-labels');
  const labels = (labelsOption?.value ?? '').split(',').map((label) => label.trim()).filter((label) => label !== '');
  if (labelsOption !== undefined && labels.some((label) => !/^[A-Za-z0-9_.:=/-]{1,128}$/.test(label))) invalid(labelsOption, 'comma-separated labels of letters, digits and "_.:=/-"');
  return { ttlSeconds, labels: Object.freeze(labels) };
}

/** root: /run/uwemperor/etcd; another user: $XDG_RUNTIME_DIR/uwemperor-etcd, or ~/.uwemperor-etcd. */
export function defaultCacheBase(env: NodeJS.ProcessEnv, uid: number = process.getuid?.() ?? 0): string {
  if (uid === 0) return '/run/uwemperor/etcd';
  const runtime = env.XDG_RUNTIME_DIR;
  return runtime !== undefined && runtime !== '' ? join(runtime, 'uwemperor-etcd') : join(homedir(), '.uwemperor-etcd');
}
