// `uwemperor ls --cluster etcd://HOST:2379/PREFIX`: every vassal on every host
// of a cluster, read from the status keys the emperors write under their
// leases, without contacting any host. Loaded only for --cluster, so plain
// `ls` never loads the etcd client.
import { openEtcdClient } from '../emperor/etcd/client.js';
import { parseEtcdTarget } from '../emperor/etcd/etcd-target.js';
import { ETCD_TTL, type EtcdSettings } from '../emperor/etcd/etcd-settings.js';
import { parseMemberRecord } from '../emperor/etcd/member-record.js';
import { formatClusterLs } from './ls-cluster-format.js';
import { clusterRows, type ListedKey } from './ls-cluster-rows.js';
import { EmperorUnreachableError } from './read-emperor-stats.js';
import { printTable, stdoutOutput } from './stats-output.js';

/** The flags `ls --cluster` reads (the emperor's own names for them). */
export interface ClusterLsArgs {
  readonly cluster: string;
  readonly json: boolean;
  readonly 'etcd-ca'?: string | undefined;
  readonly 'etcd-cert'?: string | undefined;
  readonly 'etcd-key'?: string | undefined;
  readonly 'etcd-user'?: string | undefined;
  readonly 'etcd-password-file'?: string | undefined;
}

/** Read the status and member keys once and print them; returns the exit code. */
export async function lsCluster(args: ClusterLsArgs): Promise<number> {
  const target = parseEtcdTarget(args.cluster);
  const settings: EtcdSettings = {
    hostId: 'ls',
    ca: args['etcd-ca'],
    cert: args['etcd-cert'],
    key: args['etcd-key'],
    user: args['etcd-user'],
    passwordFile: args['etcd-password-file'],
    // not used by a reader
    cache: '',
    ttlSeconds: ETCD_TTL.default,
    labels: [],
  };
  const client = await openEtcdClient(target, settings);
  try {
    const prefix = `${target.prefix}/`;
    const [status, members] = await Promise.all([client.list(`${prefix}status/`), client.list(`${prefix}members/`)]).catch((err: unknown) => {
      throw new EmperorUnreachableError(`cannot read ${target.spec}: ${err instanceof Error ? err.message : String(err)}`);
    });
    const text = (entries: typeof status.entries): ListedKey[] => entries.map((entry) => ({ key: entry.key, value: entry.value.toString('utf8') }));
    const rows = clusterRows(`${prefix}status/`, text(status.entries), Date.now());
    const ids = text(members.entries)
      .map((entry) => parseMemberRecord(prefix, entry.key, entry.value)?.id)
      .filter((id): id is string => id !== undefined)
      .sort();
    const out = stdoutOutput();
    if (args.json) out.write(`${JSON.stringify(rows, null, 2)}\n`);
    else printTable(out, formatClusterLs(rows, ids, out.columns));
    return 0;
  } finally {
    client.close();
  }
}
