// `uwemperor stats`: the emperor's aggregate, as a summary per vassal and per
// worker, or (--json) the emperor's whole document as it serves it.
import { defaultControlPath } from '../emperor/control-path.js';
import { controlTarget, readEmperorStats } from './read-emperor-stats.js';
import { COMMON_OPTIONS, parseStatsArgs } from './stats-args.js';
import { stdoutOutput } from './stats-output.js';
import { formatStatsSummary } from './stats-summary.js';

/** Shown by `uwemperor stats --help`. */
export const STATS_HELP = `usage: uwemperor stats [--json] [--control PATH]
The emperor's aggregate: its totals, then per vassal the master's figures,
sockets (with their accept queues) and a line per worker.
  --json          the emperor's whole statistics document (uWSGI's emperor
                  layout, each vassal's master document under "stats")
  --control PATH  the emperor's control socket (default ${defaultControlPath()}),
                  or host:port of an emperor's stats address
  -h, --help      this text`;

/** Run `uwemperor stats`; returns the exit code. */
export async function stats(argv: readonly string[]): Promise<number> {
  const args = parseStatsArgs('stats', argv, { ...COMMON_OPTIONS, json: { type: 'boolean' } });
  if (args.help === true) {
    process.stdout.write(`${STATS_HELP}\n`);
    return 0;
  }
  const document = await readEmperorStats(controlTarget(args.control));
  const out = stdoutOutput();
  if (args.json === true) out.write(`${JSON.stringify(document, null, 2)}\n`);
  else out.write(`${formatStatsSummary(document, out.columns, Date.now()).join('\n')}\n`);
  return 0;
}
