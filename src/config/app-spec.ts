// What the workers run: a Node module (`app.mjs` or `app.mjs:exportName`) or an
// exec command line. Checked now, so a typo fails at load time with the file
// and key, not later as a worker crash loop.
import path from 'node:path';
import { UwError } from '../errors.js';
import { argumentList, boolean, secondsToMs, signalName } from './convert.js';
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

const KIND_ONLY: Readonly<Record<AppSpec['kind'], readonly OptionName[]>> = {
  module: [],
  script: ['script-args', 'node-args', 'script-ready-after'],
  exec: ['exec-notify', 'exec-ready-after', 'exec-stop-signal'],
};

/** Build and check the AppSpec; module, script and exec exclude each other. */
export async function resolveApp(settings: Settings, ctx: AppContext): Promise<AppSpec> {
  const chosen = (['module', 'script', 'exec'] as const)
    .map((kind) => ({ kind, setting: settings.last(kind) }))
    .filter((app): app is { kind: AppSpec['kind']; setting: Setting } => app.setting !== undefined)
    .sort((a, b) => a.setting.index - b.setting.index);
  const [first, second] = chosen;
  if (second !== undefined) {
    throw new UwError('UW_CONFIG_CONFLICT', `${first?.kind ?? 'module'} and ${second.kind} cannot be used together`, { file: second.setting.file, key: second.setting.key });
  }
  if (first === undefined) throw new UwError('UW_CONFIG_MISSING', 'no app: set module (a Node handler), script (a Node server script) or exec (a command line)', { file: ctx.file });
  refuseStrays(first.kind, settings);
  if (first.kind === 'module') return resolveModule(first.setting, settings, ctx);
  if (first.kind === 'script') return resolveScript(first.setting, settings, ctx);
  return resolveExec(first.setting, settings, ctx);
}

/** An option of another kind of app (exec-notify beside module) is a mistake worth saying. */
function refuseStrays(kind: AppSpec['kind'], settings: Settings): void {
  for (const [other, names] of Object.entries(KIND_ONLY)) {
    if (other === kind) continue;
    for (const name of names) {
      const stray = settings.last(name);
      if (stray !== undefined) {
        throw new UwError('UW_CONFIG_CONFLICT', `option "${stray.key}" only applies to ${other}, not ${kind}`, { file: stray.file, key: stray.key });
      }
    }
  }
}

/** A file the workers' user will read: absolute, present, or UW_APP_NOT_FOUND naming the option. */
async function appFile(setting: Setting, written: string, ctx: AppContext): Promise<string> {
  const file = path.resolve(ctx.chdir, written);
  if ((await ctx.host.pathKind(file)) !== 'file') {
    const what = setting.included || setting.written !== undefined ? shown(setting, file) : JSON.stringify(file);
    throw new UwError('UW_APP_NOT_FOUND', `${setting.key}: file ${what} not found`, { file: setting.file, key: setting.key });
  }
  ctx.access.add(file, 'read', setting);
  return file;
}

async function resolveScript(script: Setting, settings: Settings, ctx: AppContext): Promise<AppSpec> {
  const file = await appFile(script, script.value, ctx);
  const readyAfter = settings.last('script-ready-after');
  return {
    kind: 'script',
    path: file,
    args: settings.read('script-args', argumentList, []),
    nodeArgs: settings.read('node-args', argumentList, []),
    readyAfterMs: readyAfter === undefined ? null : settings.read('script-ready-after', secondsToMs, 0),
  };
}

async function resolveModule(module: Setting, settings: Settings, ctx: AppContext): Promise<AppSpec> {
  // a zerg serves the sockets its zerg server sends
  if (settings.all('http-socket').length === 0 && settings.all('socket').length === 0 && settings.all('raw-socket').length === 0 && settings.last('zerg') === undefined) {
    throw new UwError('UW_CONFIG_MISSING', 'module needs an http-socket, socket (uwsgi) or raw-socket to serve on (or a zerg server: zerg)', { file: module.file, key: module.key });
  }
  // `app.mjs:handler`: the part after the last colon, when it is an identifier
  const named = /^(.+):([A-Za-z_$][\w$]*)$/.exec(module.value);
  const file = await appFile(module, named?.[1] ?? module.value, ctx);
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
