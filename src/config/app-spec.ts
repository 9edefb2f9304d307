// What the workers run: a Node module (`app.mjs` or `app.mjs:exportName`) or an
// exec command line. Checked now, so a typo fails at load time with the file
// and key, not later as a worker crash loop.
import path from 'node:path';
import { UwError } from '../errors.js';
import { boolean, secondsToMs, signalName } from './convert.js';
import { findExecProgram } from './exec-program.js';
import type { ConfigHost } from './host.js';
import type { OptionName } from './options.js';
import { shown } from './raw-entry.js';
import type { AccessChecks } from './worker-user.js';
import type { Setting, Settings } from './settings.js';
import type { AppSpec } from './vassal-config.js';

export interface AppContext {
  /** absolute; base of a relative module path and of an exec program */
  readonly chdir: string;
  /** PATH the shell will search */
  readonly pathVar: string | undefined;
  /** the vassal file, named when nothing else can be */
  readonly file: string | undefined;
  readonly host: ConfigHost;
  /** paths the workers' user must be able to use, checked once the config is complete */
  readonly access: AccessChecks;
}

const EXEC_ONLY: readonly OptionName[] = ['exec-notify', 'exec-ready-after', 'exec-stop-signal'];

/** Build and check the AppSpec; module and exec exclude each other. */
export async function resolveApp(settings: Settings, ctx: AppContext): Promise<AppSpec> {
  const module = settings.last('module');
  const exec = settings.last('exec');
  if (module !== undefined && exec !== undefined) {
    const later = module.index > exec.index ? module : exec;
    throw new UwError('UW_CONFIG_CONFLICT', 'module and exec cannot be used together', { file: later.file, key: later.key });
  }
  if (module !== undefined) return resolveModule(module, settings, ctx);
  if (exec !== undefined) return resolveExec(exec, settings, ctx);
  throw new UwError('UW_CONFIG_MISSING', 'no app: set module (a Node handler) or exec (a command line)', { file: ctx.file });
}

async function resolveModule(module: Setting, settings: Settings, ctx: AppContext): Promise<AppSpec> {
  for (const name of EXEC_ONLY) {
    const stray = settings.last(name);
    if (stray !== undefined) {
      throw new UwError('UW_CONFIG_CONFLICT', `option "${stray.key}" only applies to exec, not module`, { file: stray.file, key: stray.key });
    }
  }
  // a zerg serves the sockets its zerg server sends
  if (settings.all('http-socket').length === 0 && settings.all('socket').length === 0 && settings.last('zerg') === undefined) {
    throw new UwError('UW_CONFIG_MISSING', 'module needs an http-socket or socket to serve on (or a zerg server: zerg)', { file: module.file, key: module.key });
  }
  // `app.mjs:handler`: the part after the last colon, when it is an identifier
  const named = /^(.+):([A-Za-z_$][\w$]*)$/.exec(module.value);
  const file = path.resolve(ctx.chdir, named?.[1] ?? module.value);
  if ((await ctx.host.pathKind(file)) !== 'file') {
    const what = module.included || module.written !== undefined ? shown(module, file) : JSON.stringify(file);
    throw new UwError('UW_APP_NOT_FOUND', `module: file ${what} not found`, { file: module.file, key: module.key });
  }
  ctx.access.add(file, 'read', module);
  return { kind: 'module', path: file, exportName: named?.[2] ?? 'default' };
}

async function resolveExec(exec: Setting, settings: Settings, ctx: AppContext): Promise<AppSpec> {
  const program = await findExecProgram(exec.value, ctx.chdir, ctx.pathVar, ctx.host);
  if (program !== undefined && 'problem' in program) {
    const text = exec.included || exec.written !== undefined ? `exec: the program of ${shown(exec, exec.value)} cannot run` : program.problem;
    throw new UwError('UW_APP_NOT_FOUND', text, { file: exec.file, key: exec.key });
  }
  if (program !== undefined) ctx.access.add(program.path, 'execute', exec);
  return {
    kind: 'exec',
    command: exec.value,
    notify: settings.read('exec-notify', boolean, true),
    readyAfterMs: settings.read('exec-ready-after', secondsToMs, 1000),
    stopSignal: settings.read('exec-stop-signal', signalName, 'SIGTERM'),
  };
}
