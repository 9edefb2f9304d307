// `etcd://HOST[:PORT][,HOST[:PORT]...]/PREFIX`: the etcd members to ask and the
// key prefix under which the vassals live. Pure: parsed once, at start.
import { UwError } from '../../errors.js';

/** One etcd:// target. */
export interface EtcdTarget {
  /** as the user wrote it */
  readonly spec: string;
  /** host:port of each member given */
  readonly endpoints: readonly string[];
  /** starts with `/`, no trailing `/`: keys are PREFIX/vassals/NAME */
  readonly prefix: string;
}

const DEFAULT_PORT = 2379;
const ENDPOINT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*)(?::([0-9]{1,5}))?$/;
const PREFIX = /^(\/[A-Za-z0-9_.-]+)+$/;

/** Parse a spec; a usage error that names the spec and the part that is wrong. */
export function parseEtcdTarget(spec: string): EtcdTarget {
  const rest = spec.trim().slice('etcd://'.length);
  const slash = rest.indexOf('/');
  const hosts = slash === -1 ? rest : rest.slice(0, slash);
  const prefix = slash === -1 ? '' : rest.slice(slash).replace(/\/+$/, '');
  const bad = (what: string) => new UwError('UW_USAGE', `cannot watch ${spec}: expected etcd://HOST:2379[,HOST:2379...]/PREFIX, ${what}`);
  if (!PREFIX.test(prefix) || prefix.split('/').some((part) => part === '.' || part === '..')) throw bad('the PREFIX is missing or has characters other than letters, digits, "_", "." and "-"');
  const endpoints = hosts.split(',').map((host) => {
    const match = ENDPOINT.exec(host);
    const port = Number(match?.[2] ?? DEFAULT_PORT);
    if (match === null || port < 1 || port > 65_535) throw bad(`"${host}" is not HOST or HOST:PORT`);
    return `${match[1] ?? ''}:${port}`;
  });
  return Object.freeze({ spec: spec.trim(), endpoints: Object.freeze(endpoints), prefix });
}
