// `uwemperor ls`: one look at every vassal, like `pm2 ls`. Requests per
// second need two looks, so they are shown only when asked (--rate).
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultControlPath } from '../emperor/control-path.js';
import type { EmperorStatsDocument } from '../stats/emperor-document.js';
import { printLs } from './ls-format.js';
import { lsRows } from './ls-rows.js';
import { controlTarget, readEmperorStats, type ControlTarget } from './read-emperor-stats.js';
import { COMMON_OPTIONS, parseStatsArgs } from './stats-args.js';
import { stdoutOutput } from './stats-output.js';
import { measureRates, type Rates } from './stats-rates.js';

/** Shown by `uwemperor ls --help`. */
export const LS_HELP = `usage: uwemperor ls [--json] [--rate] [--control PATH]
       uwemperor ls --cluster etcd://HOST:2379[,...]/PREFIX [--json] [--etcd-ca FILE ...]
One line per vassal: its state, master pid, uptime, workers (ready/total),
requests served, RSS (master and workers), restarts (masters the emperor
started again) and the last error.
  --json          the same rows as a JSON array (sizes in bytes, times in ms)
  --rate          read twice, 1 s apart, and add REQ/S between the two reads
  --control PATH  the emperor's control socket (default ${defaultControlPath()}),
                  or host:port of an emperor's stats address
  --cluster etcd://HOST:2379/PREFIX
                  every vassal on every host of an etcd cluster, from the
                  status keys the emperors write (no host is contacted);
                  --etcd-ca, --etcd-cert, --etcd-key, --etcd-user and
                  --etcd-password-file as for the emperor
  -h, --help      this text`;

const RATE_INTERVAL_MS = 1_000;

/** `ls --cluster` and the etcd client's TLS and auth files, named as the emperor's options. */
const CLUSTER_OPTIONS = {
  cluster: { type: 'string' },
  'etcd-ca': { type: 'string' },
  'etcd-cert': { type: 'string' },
  'etcd-key': { type: 'string' },
  'etcd-user': { type: 'string' },
  'etcd-password-file': { type: 'string' },
} as const;

/** Run `uwemperor ls`; returns the exit code. */
export async function ls(argv: readonly string[]): Promise<number> {
  const args = parseStatsArgs('ls', argv, { ...COMMON_OPTIONS, ...CLUSTER_OPTIONS, json: { type: 'boolean' }, rate: { type: 'boolean' } });
  if (args.help === true) {
    process.stdout.write(`${LS_HELP}\n`);
    return 0;
  }
  if (args.cluster !== undefined) return (await import('./ls-cluster.js')).lsCluster({ ...args, cluster: args.cluster, json: args.json === true });
  const target = controlTarget(args.control);
  const first = await readEmperorStats(target);
  const { document, rates } = args.rate === true ? await secondLook(target, first) : { document: first, rates: undefined };
  const rows = lsRows(document, rates);
  const out = stdoutOutput();
  if (args.json === true) out.write(`${JSON.stringify(rows, null, 2)}\n`);
  else printLs(out, document, rows);
  return 0;
}

/** A second document at least a second later, and the rates between the two. */
async function secondLook(target: ControlTarget, first: EmperorStatsDocument): Promise<{ document: EmperorStatsDocument; rates: Rates }> {
  let wait = RATE_INTERVAL_MS;
  for (let attempt = 0; attempt < 4; attempt++) {
    await sleep(wait);
    const document = await readEmperorStats(target);
    const rates = measureRates(first, document);
    if (rates !== null) return { document, rates };
    wait = RATE_INTERVAL_MS / 4; // the same shared collection: the next is due soon
  }
  throw new Error('the emperor served the same collection for 2 s: no rate to measure');
}
