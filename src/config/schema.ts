// Settings → the frozen VassalConfig: convert each kind, apply the defaults,
// check what needs the file system (chdir, app, user names), and freeze.
import path from 'node:path';
import { UwError } from '../errors.js';
import { addressKey, parseAddress } from './addresses.js';
import { resolveApp } from './app-spec.js';
import { backlogSize, bootLimit, boolean, niceness, octalMode, packetSize, positiveMs, processCount, reloadMode, secondsToMs, sosBacklog, warmupRounds } from './convert.js';
import { deepFreeze } from './deep-freeze.js';
import { workerPolicies } from './worker-policies.js';
import { cheaperMode } from './cheaper-options.js';
import { logSettings } from './log-options.js';
import type { ConfigHost } from './host.js';
import type { OptionName } from './options.js';
import { shown } from './raw-entry.js';
import { convert, invalidValue, type Setting, type Settings } from './settings.js';
import type { AppSpec, SocketSpec, VassalConfig } from './vassal-config.js';
import { accessChecks, resolveWorkerUser } from './worker-user.js';

export interface SchemaContext {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** absolute path of the vassal file, or '' */
  readonly file: string;
  readonly name: string;
  readonly host: ConfigHost;
}

const SECOND = 1000;

/** How many master FIFO slots the digits 0-9 can name. */
const FIFO_SLOTS = 10;

/** The validated, deep-frozen config; throws UwError naming the file and key. */
export async function buildVassalConfig(settings: Settings, ctx: SchemaContext): Promise<VassalConfig> {
  const { label, ...user } = await resolveWorkerUser(settings, ctx.host);
  const access = accessChecks({ ...user, ...(label !== undefined && { label }) }, ctx.host);
  const chdir = await resolveChdir(settings.last('chdir'), ctx);
  const chdirSetting = settings.last('chdir');
  if (chdirSetting !== undefined) access.add(chdir, 'enter', chdirSetting);
  const env = envRecord(settings.all('env'));
  const app = await resolveApp(settings, {
    chdir,
    pathVar: env.PATH ?? ctx.env.PATH,
    file: ctx.file === '' ? undefined : ctx.file,
    host: ctx.host,
    access,
  });
  await access.run();
  const pidfile = pathOf(settings.last('pidfile'), ctx.cwd);
  const safePidfile = pathOf(settings.last('safe-pidfile'), ctx.cwd);
  const chmodSocket = settings.last('chmod-socket');
  const zergServer = pathOf(settings.last('zerg-server'), ctx.cwd);
  const zerg = pathOf(settings.last('zerg'), ctx.cwd);
  const zergSetting = settings.last('zerg');
  if (zerg !== undefined && zerg === zergServer && zergSetting !== undefined) {
    throw new UwError('UW_CONFIG_CONFLICT', `options "zerg" and "zerg-server" name the same socket ${zerg}: a master cannot attach to itself`, { file: zergSetting.file, key: 'zerg' });
  }
  const stats = statsOf(settings.last('stats'), ctx.cwd);
  const statsChmod = settings.last('stats-chmod');
  const config: VassalConfig = {
    file: ctx.file,
    name: ctx.name,
    sockets: socketsOf(settings, ctx.cwd),
    uwsgi: { bufferSize: settings.read('buffer-size', packetSize, 4096), packetTimeoutMs: settings.read('socket-timeout', positiveMs, 4 * SECOND) },
    processes: settings.read('processes', processCount, 1),
    app,
    chdir,
    env,
    touchReload: settings.all('touch-reload').map((s) => path.resolve(ctx.cwd, s.value)),
    masterFifo: masterFifoOf(settings.all('master-fifo'), ctx.cwd),
    touchChainReload: settings.all('touch-chain-reload').map((s) => path.resolve(ctx.cwd, s.value)),
    reloadMode: settings.read('reload-mode', reloadMode, 'graceful'),
    // uWSGI 2.1's default: SIGTERM stops gracefully; false restores 2.0's brutal reload
    dieOnTerm: settings.read('die-on-term', boolean, true),
    reloadNice: settings.read('reload-nice', niceness, 10),
    reloadBootLimit: settings.read('reload-boot-limit', bootLimit, 0),
    reloadWarmup: settings.read('reload-warmup', warmupRounds, 100),
    nodeDefaultThreads: settings.read('node-default-threads', boolean, false),
    reloadMercyMs: settings.read('reload-mercy', secondsToMs, 60 * SECOND),
    workerReloadMercyMs: settings.read('worker-reload-mercy', secondsToMs, 60 * SECOND),
    reloadOverlapMs: settings.read('reload-overlap', secondsToMs, 300),
    reloadSpreadMs: settings.read('reload-spread', secondsToMs, SECOND),
    ...(settings.last('heartbeat') !== undefined && { heartbeatMs: settings.read('heartbeat', positiveMs, 0) }),
    readyTimeoutMs: settings.read('ready-timeout', secondsToMs, 30 * SECOND),
    vacuum: settings.read('vacuum', boolean, false),
    listenBacklog: settings.read('listen', backlogSize, 511),
    statsHttp: settings.read('stats-http', boolean, false),
    ...user,
    ...(pidfile === undefined ? {} : { pidfile }),
    ...(safePidfile === undefined ? {} : { safePidfile }),
    ...(zergServer === undefined ? {} : { zergServer }),
    ...(zerg === undefined ? {} : { zerg }),
    ...(settings.read('zerg-fallback', boolean, false) && { zergFallback: true as const }),
    ...(chmodSocket === undefined ? {} : { chmodSocket: convert(chmodSocket, octalMode) }),
    ...(stats === undefined ? {} : { stats }),
    ...(statsChmod === undefined ? {} : { statsChmod: convert(statsChmod, octalMode) }),
    ...broodlordOptions(settings, app.kind),
    policies: workerPolicies(settings, app.kind),
    log: logSettings(settings, ctx.cwd, ctx.env),
  };
  const unix = config.sockets.find((socket) => socket.address.type === 'unix');
  const cheapSetting = settings.last('cheap');
  if (config.idleAction === 'cheap' && unix !== undefined && cheapSetting !== undefined) {
    throw new UwError('UW_CONFIG_CONFLICT', `option "cheap" needs TCP sockets: the master wakes the workers when a connection waits in a TCP listen queue, which a UNIX socket (${unix.spec}) does not show`, { file: cheapSetting.file, key: 'cheap' });
  }
  const cheaper = cheaperMode(settings, app.kind, config.processes);
  if (cheaper !== undefined) return deepFreeze({ ...config, cheaper });
  return deepFreeze(config);
}

/** vassal-sos, vassal-sos-backlog, and idle with die-on-idle (exit) or cheap (stop the workers until the next connection). */
function broodlordOptions(settings: Settings, kind: AppSpec['kind']): Pick<VassalConfig, 'vassalSosMs' | 'vassalSosBacklog' | 'idleMs' | 'idleAction'> {
  const idle = settings.last('idle');
  const dieOnIdle = settings.read('die-on-idle', boolean, false);
  const cheap = settings.read('cheap', boolean, false);
  if (idle !== undefined && dieOnIdle === cheap) {
    const what = cheap ? 'both "die-on-idle" and "cheap": pick one' : 'neither "die-on-idle = true" (exit when idle) nor "cheap = true" (stop the workers until the next connection)';
    throw new UwError('UW_CONFIG_CONFLICT', `option "idle" with ${what}`, { file: idle.file, key: 'idle' });
  }
  const cheapSetting = settings.last('cheap');
  if (idle === undefined && cheap && cheapSetting !== undefined) {
    throw new UwError('UW_CONFIG_CONFLICT', 'option "cheap" needs "idle = SECONDS"', { file: cheapSetting.file, key: 'cheap' });
  }
  if (idle !== undefined && kind === 'exec') {
    throw new UwError('UW_CONFIG_CONFLICT', 'option "idle" needs module workers: exec workers do not report their requests', { file: idle.file, key: 'idle' });
  }
  const dieSetting = settings.last('die-on-idle');
  if (idle === undefined && dieOnIdle && dieSetting !== undefined) {
    throw new UwError('UW_CONFIG_CONFLICT', 'option "die-on-idle" needs "idle = SECONDS"', { file: dieSetting.file, key: 'die-on-idle' });
  }
  const sos = settings.last('vassal-sos');
  const backlog = settings.last('vassal-sos-backlog');
  return {
    ...(sos === undefined ? {} : { vassalSosMs: convert(sos, positiveMs) }),
    ...(backlog === undefined ? {} : { vassalSosBacklog: convert(backlog, sosBacklog) }),
    ...(idle === undefined ? {} : { idleMs: convert(idle, positiveMs), idleAction: cheap ? ('cheap' as const) : ('die' as const) }),
  };
}

async function resolveChdir(setting: Setting | undefined, ctx: SchemaContext): Promise<string> {
  if (setting === undefined) return path.resolve(ctx.cwd);
  const dir = path.resolve(ctx.cwd, setting.value);
  if ((await ctx.host.pathKind(dir)) !== 'directory') throw invalidValue(setting, 'an existing directory', `${dir} is not one`);
  return dir;
}

/** The stats server's address, parsed as the sockets' are. */
function statsOf(setting: Setting | undefined, cwd: string): VassalConfig['stats'] {
  if (setting === undefined) return undefined;
  const parsed = parseAddress(setting.value, cwd);
  if (!parsed.ok) throw invalidValue(setting, parsed.expected);
  return { address: parsed.address, spec: setting.value };
}

/** master-fifo paths in slot order; the digits 0-9 reach ten of them, so an eleventh is an error. */
function masterFifoOf(settings: readonly Setting[], cwd: string): string[] {
  const eleventh = settings[FIFO_SLOTS];
  if (eleventh !== undefined) throw invalidValue(eleventh, `at most ${FIFO_SLOTS} master-fifo paths (slots 0-9)`, `${settings.length} given`);
  return settings.map((s) => path.resolve(cwd, s.value));
}

function pathOf(setting: Setting | undefined, cwd: string): string | undefined {
  return setting === undefined ? undefined : path.resolve(cwd, setting.value);
}

/** `KEY=VALUE` entries; a later KEY wins. */
function envRecord(settings: readonly Setting[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const setting of settings) {
    const eq = setting.value.indexOf('=');
    if (eq <= 0) throw invalidValue(setting, 'KEY=VALUE');
    env[setting.value.slice(0, eq)] = setting.value.slice(eq + 1);
  }
  return env;
}

const PROTOCOLS: ReadonlyArray<readonly [OptionName, SocketSpec['protocol']]> = [
  ['http-socket', 'http'],
  ['socket', 'uwsgi'],
  ['raw-socket', 'raw'],
];

/** http-socket, socket (uwsgi-socket) and raw-socket entries in the order written; the same address twice cannot bind. */
function socketsOf(settings: Settings, cwd: string): SocketSpec[] {
  const tagged = PROTOCOLS.flatMap(([name, protocol]) => settings.all(name).map((setting) => ({ setting, protocol })));
  tagged.sort((a, b) => a.setting.index - b.setting.index);
  const seen = new Set<string>();
  return tagged.map(({ setting, protocol }) => {
    const parsed = parseAddress(setting.value, cwd);
    if (!parsed.ok) throw invalidValue(setting, parsed.expected);
    const key = addressKey(parsed.address);
    if (key !== undefined && seen.has(key)) {
      throw new UwError('UW_CONFIG_CONFLICT', `option "${setting.key}": address ${shown(setting, setting.value)} is already listed`, {
        file: setting.file,
        key: setting.key,
      });
    }
    if (key !== undefined) seen.add(key);
    return { protocol, address: parsed.address, spec: setting.value };
  });
}
