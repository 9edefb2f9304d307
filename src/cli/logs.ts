// `uwemperor logs [VASSAL] [-f] [-n N]`: the latest lines of one vassal's log
// file or of all of them (interleaved by time), then, with -f, what is
// appended, as `tail -F` follows (through rotation and truncation). The text
// format on a terminal, the JSON lines as written when piped.
// `uwemperor logs reopen`: every log file reopened, for logrotate.
import { closeSync, fstatSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { defaultControlPath } from '../emperor/control-path.js';
import { UwError } from '../errors.js';
import { FollowedFile } from './logs-follow.js';
import { interleave, printable, vassalFilter } from './logs-lines.js';
import { openLogFile, processUid } from './logs-open.js';
import { requestReopen } from './logs-reopen.js';
import { logSources, LogsUnavailableError, type LogSource } from './logs-sources.js';
import { lastLineEnd, readLastLines, type LineFilter } from './logs-tail.js';
import { controlTarget, readEmperorStats } from './read-emperor-stats.js';

/** Shown by `uwemperor logs --help`. */
export const LOGS_HELP = `usage: uwemperor logs [VASSAL] [-f] [-n N] [--json] [--control PATH]
       uwemperor logs reopen [--control PATH]
The latest lines of VASSAL's log file (its file name, e.g. app.ini, or app), or
of every vassal's, interleaved by time. The emperor says where each master
logs: a vassal that logs to the emperor's stdout (no logto, no
vassal-logto-dir) has no file to show.
  -n, --lines N   how many lines (default 20; 0 with -f: only new ones)
  -f, --follow    then print lines as they are written, across log rotation
  --json          the JSON records as written, even on a terminal (the
                  default when piped; a terminal gets the text format)
  --control PATH  the emperor's control socket (default ${defaultControlPath()})
  -h, --help      this text
reopen: the emperor reopens its own logto file and tells every master to
reopen its own (logrotate's postrotate); prints how many masters were told.`;

const OPTIONS = {
  control: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  follow: { type: 'boolean', short: 'f' },
  lines: { type: 'string', short: 'n' },
  json: { type: 'boolean' },
} as const;

/** How often followed files are looked at. */
const POLL_MS = 200;

/** Run `uwemperor logs`; returns the exit code. */
export async function logs(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help === true) {
    process.stdout.write(`${LOGS_HELP}\n`);
    return 0;
  }
  const target = controlTarget(values.control);
  if (positionals[0] === 'reopen' && positionals.length === 1) {
    const reply = await requestReopen(target);
    process.stdout.write(`reopened: ${reply.emperor ? 'the emperor\'s log file and ' : ''}${reply.masters} master${reply.masters === 1 ? '' : 's'} told\n`);
    return 0;
  }
  const count = lineCount(values.lines);
  try {
    const { sources, notes } = logSources(await readEmperorStats(target), positionals[0]);
    for (const note of notes) process.stderr.write(`uwemperor logs: ${note}\n`);
    const pretty = process.stdout.isTTY && values.json !== true;
    // a reader that went away (`| head`) ends the command quietly
    process.stdout.on('error', () => process.exit(0));
    const opened = sources.map((source) => openSource(source, count, values.follow === true));
    const last = interleave(opened.map((file) => file.lines));
    write(last.slice(Math.max(0, last.length - count)), pretty);
    if (values.follow !== true) {
      for (const file of opened) file.followed.close();
      return 0;
    }
    return await follow(opened, pretty);
  } catch (err) {
    if (!(err instanceof LogsUnavailableError)) throw err;
    process.stderr.write(`uwemperor logs: ${err.message}\n`);
    return 1;
  }
}

function parse(argv: readonly string[]): { values: { control?: string; help?: boolean; follow?: boolean; lines?: string; json?: boolean }; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true });
    if (parsed.positionals.length > 1) throw new Error(`one vassal at most, got ${parsed.positionals.join(' ')}`);
    return parsed;
  } catch (err) {
    throw new UwError('UW_USAGE', `${(err as Error).message.split('\n')[0] ?? String(err)} (see uwemperor logs --help)`);
  }
}

function lineCount(text: string | undefined): number {
  if (text === undefined) return 20;
  if (!/^\d{1,9}$/.test(text)) throw new UwError('UW_USAGE', `-n: expected a number of lines, got "${text}" (see uwemperor logs --help)`);
  return Number(text);
}

/** One source's last lines and its follower, positioned just after them. */
interface OpenedSource {
  readonly lines: readonly string[];
  readonly followed: FollowedFile;
  readonly keep: LineFilter;
}

/** Open `source`, read its last `count` lines, and follow it from just after them. */
function openSource(source: LogSource, count: number, follow: boolean): OpenedSource {
  const keep = vassalFilter(source.vassals);
  // the users the reporting masters run as now (kept for reopens after rotation)
  const owners = { uids: new Set(source.masters.map((master) => processUid(master.pid)).filter((uid) => uid !== undefined)), vassals: source.masters.map((master) => master.id) };
  const open = (path: string): number => openLogFile(path, owners);
  let fd: number;
  try {
    fd = open(source.file);
  } catch (err) {
    if (err instanceof LogsUnavailableError) throw err;
    // not written yet (or moved away just now): followed, it is waited for
    if (follow) return { lines: [], followed: new FollowedFile(source.file, null, 0, open), keep };
    throw new LogsUnavailableError(`cannot read ${source.file}: it does not exist (nothing logged yet?)`);
  }
  const end = lastLineEnd(fd, fstatSync(fd).size);
  try {
    return { lines: readLastLines(fd, end, count, keep), followed: new FollowedFile(source.file, fd, end, open), keep };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** Print what every file gains, interleaved per poll, until the command is stopped. */
async function follow(opened: readonly OpenedSource[], pretty: boolean): Promise<number> {
  for (;;) {
    await sleep(POLL_MS);
    write(interleave(opened.map((file) => file.followed.poll().filter(file.keep))), pretty);
  }
}

function write(lines: readonly string[], pretty: boolean): void {
  if (lines.length > 0) process.stdout.write(lines.map((line) => printable(line, pretty)).join(''));
}
