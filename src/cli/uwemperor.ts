#!/usr/bin/env node
// uwemperor: keep one master per vassal file in the watched directories, or
// send a running emperor a signal through its pidfile.
//   uwemperor DIR|GLOB... [--option value ...] | uwemperor --config emperor.ini
//   uwemperor --reload PIDFILE | --stop PIDFILE
//   uwemperor ls|stats|top [--json] [--control PATH]: read a running emperor's statistics
//   uwemperor logs [VASSAL] [-f] [-n N] | logs reopen: read the vassals' log files, reopen them
//   uwemperor import-pm2 ECOSYSTEM [--out DIR]: one vassal file per app of a PM2 ecosystem file
import { accessSync, constants, readFileSync } from 'node:fs';
import { Emperor } from '../emperor/emperor.js';
import { parseEmperorArgv } from '../emperor/emperor-argv.js';
import { readEmperorConfig } from '../emperor/emperor-config-file.js';
import { EMPEROR_OPTIONS } from '../emperor/emperor-options.js';
import { buildEmperorSettings, type EmperorSettings } from '../emperor/emperor-settings.js';
import { installSignalHandlers } from '../emperor/emperor-signals.js';
import { CommandQueue } from '../emperor/command-queue.js';
import { masterSpawnRequest } from '../emperor/master-command.js';
import { tyrantMaster } from '../emperor/tyrant-master.js';
import { getentSync } from '../process/getent-sync.js';
import { cachedLookup } from '../process/lookup-cache.js';
import { uwsgiSpawnRequest } from '../emperor/uwsgi-command.js';
import { resolveTargets } from '../emperor/resolve-targets.js';
import { isEtcdSpec } from '../emperor/etcd/etcd-settings.js';
import { openEtcdSources, type EtcdSources } from '../emperor/etcd/etcd-sources.js';
import { openStatsEndpoints, type StatsEndpoints } from '../emperor/stats-endpoints.js';
import { emperorMetrics } from '../stats/emperor-metrics.js';
import { systemClock } from '../emperor/clock.js';
import { describeError, UwError } from '../errors.js';
import { createLogger } from '../log/logger.js';
import { openEmperorDestination } from '../log/emperor-destination.js';
import type { LogDestination } from '../log/log-destination.js';
import { removePidfile, writePidfile } from '../process/pidfile.js';
import { spawnProcess } from '../process/spawn.js';
import { terminate } from '../process/terminate.js';
import { runControlCommand } from './control-command.js';
import { runStatsCommand } from './stats-commands.js';

const USAGE = `usage: uwemperor [--OPTION VALUE ...] DIR|GLOB|FILE ...
       uwemperor --config emperor.ini      (section [emperor], same option names)
       uwemperor --reload PIDFILE | --stop PIDFILE | --version
       uwemperor ls|stats|top [--control PATH] ...   (see uwemperor ls --help; a directory named ls: ./ls)
       uwemperor logs [VASSAL] [-f] [-n N] | logs reopen   (see uwemperor logs --help)
       uwemperor import-pm2 ECOSYSTEM [--out DIR]    (see uwemperor import-pm2 --help)
Keeps one master (uw) per vassal file (.ini, .yaml, .yml, .json): create a file
to start it, touch or edit it to reload, remove it to stop.
options:
${Object.entries(EMPEROR_OPTIONS)
  .map(([name, spec]) => `  --${name.padEnd(18)} ${spec.doc}`)
  .join('\n')}
signals: HUP reload all (and retry broken vassals), INT/TERM stop all gracefully (in-flight
         requests finish; a second INT/TERM: SIGKILL now), QUIT SIGKILL all now,
         USR1 status, WINCH rescan, URG clear back-offs`;

async function main(argv: readonly string[]): Promise<number> {
  // tsc's unbundled output beside this file, imported only when named: the
  // emperor's bundle stays without the config loader it never uses (~120 KB)
  if (argv[0] === 'import-pm2') {
    const command = (await import(new URL('./import-pm2.js', import.meta.url).href)) as typeof import('./import-pm2.js');
    return command.importPm2(argv.slice(1));
  }
  const statsCommand = await runStatsCommand(argv);
  if (statsCommand !== null) return statsCommand;
  const control = runControlCommand('uwemperor', argv, ['--reload', '--stop']);
  if (control !== null) return control;
  if (argv.includes('--version')) {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    console.log(pkg.version);
    return 0;
  }
  const cwd = process.cwd();
  const parsed = parseEmperorArgv(argv, cwd);
  if (parsed.kind === 'help') {
    console.log(USAGE);
    return 0;
  }
  const settings = buildEmperorSettings([...(parsed.config === undefined ? [] : readEmperorConfig(parsed.config, cwd)), ...parsed.options]);
  checkReadable(settings.vassalsInherit, '--vassals-inherit');
  if (settings.tyrant && process.getuid?.() !== 0) throw new UwError('UW_USAGE', 'tyrant = true runs each master as its file\'s owner: the emperor must run as root');
  const targets = await resolveTargets(settings.targets.filter((spec) => !isEtcdSpec(spec)));
  return run(settings, targets, readVersion());
}

function readVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

async function run(settings: EmperorSettings, targets: Awaited<ReturnType<typeof resolveTargets>>, version: string): Promise<number> {
  const logFormat = settings.logFormat ?? (process.stdout.isTTY && settings.logto === undefined ? 'text' : 'json');
  const destination = openEmperorDestination(settings.logto, logFormat);
  const logger = createLogger({ name: 'uwemperor' }, destination);
  process.title = `uwemperor ${settings.targets.join(' ')}`;
  // before any master runs: a bad etcd:// spec or an unreadable TLS file fails the start (exit 2)
  const etcd: EtcdSources = await openEtcdSources(settings, logger);
  // one getent per owner per 10 s, not per master start (each may block the loop up to 2 s)
  const lookup = cachedLookup(getentSync);
  const emperor = new Emperor({
    settings,
    targets: [...targets, ...etcd.targets],
    logger,
    clock: systemClock,
    spawnMaster: (identity, file, runAs, plan) => {
      const tyrant = runAs && tyrantMaster(runAs, { lookup, env: process.env, vassalLogtoDir: settings.vassalLogtoDir, allowRoot: settings.tyrantAllowRoot, logger: logger.child({ vassal: identity }) });
      return spawnProcess(plan?.kind === 'uwsgi' ? uwsgiSpawnRequest(settings, plan.binary, identity, file, tyrant) : masterSpawnRequest({ ...settings, logFormat }, identity, file, tyrant));
    },
    stopMaster: (child, graceMs, onEscalate, ask = true) => terminate(child, { signal: ask ? 'SIGINT' : null, graceMs, onEscalate }),
    version,
  });
  // handlers go in before anything slow, so an early SIGINT still stops cleanly
  const commands = new CommandQueue((command: Parameters<Emperor['command']>[0]) => {
    // a stopping emperor leaves its etcd clusters first: its vassals start elsewhere while its masters stop
    if (command === 'stop' || command === 'kill') etcd.leave().catch((err: unknown) => logger.warn({ err }, 'leaving the etcd cluster failed'));
    emperor.command(command);
  });
  installSignalHandlers((command) => commands.push(command));
  if (settings.pidfile !== undefined) writePidfile(settings.pidfile);
  let endpoints: StatsEndpoints | null = null;
  try {
    // an explicit --control or --stats that cannot be used fails the start (exit 2) before any master runs
    endpoints = await openStatsEndpoints(settings, {
      document: () => emperor.statsDocument(),
      metrics: async () => await emperorMetrics(await emperor.statsDocument()),
      // `uwemperor logs reopen`, logrotate's postrotate: the emperor's own file, then every master's
      actions: { '/logs/reopen': () => Promise.resolve(reopenAll(destination, settings.logto, () => emperor.reopenLogs())) },
    }, logger);
    await etcd.start((path) => emperor.look(path), () => emperor.statsDocument());
    await emperor.start();
    await emperor.stopped;
  } finally {
    await etcd.close();
    if (settings.pidfile !== undefined) removePidfile(settings.pidfile);
    await endpoints?.close();
  }
  logger.info('emperor stopped');
  return 0;
}

/** The reply to `uwemperor logs reopen`: whether the emperor's own file was reopened, and how many masters were told. */
function reopenAll(destination: LogDestination, logto: string | undefined, reopenMasters: () => number): { emperor: boolean; masters: number } {
  destination.reopen();
  return { emperor: logto !== undefined, masters: reopenMasters() };
}

/** Templates are checked once at start: a typo should not break every vassal. */
function checkReadable(files: readonly string[], flag: string): void {
  for (const file of files) {
    try {
      accessSync(file, constants.R_OK);
    } catch (err) {
      throw new UwError('UW_USAGE', `${flag}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`uwemperor: ${describeError(err)}`);
    process.exit(err instanceof UwError ? 2 : 1);
  },
);
