#!/usr/bin/env node
// uw: run one vassal's master, or send it a signal through its pidfile.
//   uw app.ini | uw --ini app.ini | uw --http-socket :8080 --module app.mjs
//   uw --reload PIDFILE | --stop PIDFILE | --pause PIDFILE
//   uw --connect-and-read ADDR    (print the stats document served at ADDR)
//   uw --fifo PATH CMDS           (write command bytes to a master FIFO)
import { fstatSync, readFileSync } from 'node:fs';
import { ADDRESS_EXPECTED, parseAddress } from '../config/addresses.js';
import { argvToSources, type ConfigSource } from '../config/argv.js';
import { OPTIONS, type OptionSpec } from '../config/options.js';
import { describeError, exitCodeFor, UwError } from '../errors.js';
import { Master } from '../master/master.js';
import { unknownFifoBytes } from '../master/master-fifo-commands.js';
import { FifoSendError, sendFifoCommands } from '../master/master-fifo-send.js';
import { takeUwsgiEmperorFd } from '../master/uwsgi-emperor-env.js';
import { readStats } from '../stats/read-stats.js';
import { runControlCommand } from './control-command.js';

const USAGE = `usage: uw [CONFIG] [--OPTION VALUE ...]
       uw --reload PIDFILE | --stop PIDFILE | --pause PIDFILE
       uw --connect-and-read ADDR   print the stats document a stats server sends
       uw --fifo PATH CMDS          write commands to a master FIFO (r reload, q stop, s stats, ...)
CONFIG is an .ini ([uwsgi] section), .yaml/.yml (uwsgi: key) or .json file,
optionally FILE:SECTION. Every option is a key in the file or --option value here:
${Object.entries(OPTIONS)
  .map(([name, spec]: [string, OptionSpec]) => `  --${name.padEnd(20)} ${spec.doc}`)
  .join('\n')}
signals: HUP graceful reload; INT (--stop) and TERM graceful stop: in-flight
         requests finish, SIGKILL after reload-mercy (die-on-term = false: TERM
         is uWSGI 2.0's brutal reload); QUIT, or a second INT/TERM: kill now;
         USR1 stats, USR2 worker status, TSTP pause/resume.
See README.md for the signal table.`;

/** Flags the emperor passes to its masters; stripped before config parsing. */
function takeEmperorFlags(argv: string[]): { name?: string; templates: ConfigSource[] } {
  const templates: ConfigSource[] = [];
  let name: string | undefined;
  for (let i = 0; i < argv.length; ) {
    const flag = argv[i];
    const value = argv[i + 1];
    if ((flag === '--vassal-name' || flag === '--vassals-inherit') && value !== undefined) {
      if (flag === '--vassal-name') name = value;
      else templates.push({ kind: 'file', path: value, role: 'template' });
      argv.splice(i, 2);
    } else {
      i += 1;
    }
  }
  return { ...(name !== undefined && { name }), templates };
}

/** `uw --connect-and-read ADDR`: print the document, as uWSGI's option of that name (uwsgitop reads it the same way). */
async function connectAndRead(text: string | undefined): Promise<number> {
  if (text === undefined || text.startsWith('--')) throw new UwError('UW_USAGE', `--connect-and-read needs an address: ${ADDRESS_EXPECTED}`);
  const parsed = parseAddress(text, process.cwd());
  if (!parsed.ok) throw new UwError('UW_USAGE', `--connect-and-read: expected ${parsed.expected}, got "${text}"`);
  try {
    process.stdout.write(`${await readStats(parsed.address)}\n`);
  } catch (err) {
    console.error(`uw: cannot read statistics from ${text}: ${(err as Error).message}`);
    return 1;
  }
  return 0;
}

/** `uw --fifo PATH CMDS`: 0 once written; 1 with one line when no master reads it or the path is not a FIFO. */
function fifo(path: string | undefined, commands: string[]): number {
  if (path === undefined || commands.length === 0) throw new UwError('UW_USAGE', 'usage: uw --fifo PATH CMDS (e.g. uw --fifo /run/app.fifo r)');
  const unknown = unknownFifoBytes(commands.join(''));
  if (unknown.length > 0) throw new UwError('UW_USAGE', `--fifo: unknown command ${unknown.map((c) => JSON.stringify(c)).join(', ')} (see "Master FIFO" in the README)`);
  try {
    sendFifoCommands(path, commands.join(''));
  } catch (err) {
    if (!(err instanceof FifoSendError)) throw err;
    console.error(`uw: ${err.message}`);
    return 1;
  }
  return 0;
}

/** True when `fd` is an open socket (a closed descriptor is not). */
function isSocket(fd: number): boolean {
  try {
    return fstatSync(fd).isSocket();
  } catch {
    return false;
  }
}

async function main(argv: string[]): Promise<number | null> {
  if (argv[0] === '--connect-and-read') return connectAndRead(argv[1]);
  if (argv[0] === '--fifo') return fifo(argv[1], argv.slice(2));
  const control = runControlCommand('uw', argv, ['--reload', '--stop', '--pause']);
  if (control !== null) return control;
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  if (argv.includes('--version')) {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    console.log(pkg.version);
    return 0;
  }
  const { name, templates } = takeEmperorFlags(argv);
  const sources = [...templates, ...argvToSources(argv)];
  if (!sources.some((source) => source.kind === 'file' && source.role !== 'template') && !sources.some((s) => s.kind === 'option')) {
    throw new UwError('UW_USAGE', `nothing to run\n${USAGE}`);
  }
  // a uWSGI Emperor's vassal (its argv is --ini FILE, --set K=V, --inherit FILE...): see README "uw under a uWSGI Emperor"
  const uwsgiEmperorFd = takeUwsgiEmperorFd(process.env, process.send !== undefined, isSocket);
  await Master.start({ sources, cwd: process.cwd(), env: process.env, ...(name !== undefined && { name }) }, uwsgiEmperorFd);
  return null; // the master runs until a signal stops it
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== null) process.exit(code);
  },
  (err: unknown) => {
    const line = describeError(err);
    console.error(`uw: ${line}`);
    if (process.send && process.connected) {
      const code = err instanceof UwError ? err.code : 'UW_INTERNAL';
      process.send({ type: 'master-error', code, message: line }, () => process.exit(exitCodeFor(err)));
    } else {
      process.exit(exitCodeFor(err));
    }
  },
);
