// One PM2 app → the lines of one vassal file and what could not be said in
// them. Pure: the file system is asked only through `probe`, so every rule is
// unit-tested without files.
import path from 'node:path';
import { canonicalAttribute, TRANSLATED, UNTRANSLATED } from './import-pm2-attributes.js';
import { appEnv, type AppEnv } from './import-pm2-env.js';
import { fitsOnIniLine, type IniEntry } from './import-pm2-ini.js';
import { chooseRunner, type Runner, type ScriptProbe } from './import-pm2-runner.js';
import { timingEntries } from './import-pm2-timing.js';
import { pm2Words, shellLine } from './import-pm2-words.js';

/** What a translation may know beyond the app itself. */
export interface TranslateContext {
  /** base of a relative cwd: the ecosystem file's directory */
  readonly baseDir: string;
  /** `--env NAME`: env_NAME is laid over env */
  readonly envName: string | undefined;
  /** what the script at this absolute path is (asked only when its name does not tell) */
  readonly probe: (file: string) => ScriptProbe;
}

/** A vassal to write: `stem` is the file name without `.ini`. */
export interface Pm2Vassal {
  readonly app: string;
  readonly stem: string;
  readonly entries: readonly IniEntry[];
  readonly notes: readonly string[];
}

/** A vassal to write, or why this app cannot become one. */
export type Translation = { readonly ok: true; readonly vassal: Pm2Vassal } | { readonly ok: false; readonly app: string; readonly problem: string };

/** Translate the app at `index` of the ecosystem file. */
export function translateApp(raw: unknown, index: number, ctx: TranslateContext): Translation {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, app: `app #${index + 1}`, problem: 'expected an object of attributes' };
  const attributes = canonical(raw as Record<string, unknown>);
  const script = attributes.get('script');
  const name = attributes.get('name');
  const app = typeof name === 'string' && name !== '' ? name : typeof script === 'string' && script !== '' ? path.parse(script).name : `app #${index + 1}`;
  if (typeof script !== 'string' || script === '') return { ok: false, app, problem: 'script: missing (PM2 requires it)' };
  const chdir = path.resolve(ctx.baseDir, typeof attributes.get('cwd') === 'string' ? String(attributes.get('cwd')) : '.');
  const words = argumentWords(attributes);
  if (typeof words === 'string') return { ok: false, app, problem: words };
  const { runner, notes: runnerNotes } = chooseRunner({ script, interpreter: interpreterOf(attributes), ...words, probe: () => ctx.probe(path.resolve(chdir, script)) });
  const env = appEnv(attributes, ctx.envName);
  const timing = timingEntries(attributes, runner.kind);
  const entries: IniEntry[] = [
    { key: 'chdir', value: chdir },
    ...runnerEntries(runner),
    processesEntry(attributes.get('instances')),
    ...socketEntries(runner, env),
    ...envEntries(runner, env),
    ...userEntries(attributes),
    ...timing.entries,
  ];
  const unfit = entries.find((entry) => !fitsOnIniLine(entry.value));
  if (unfit !== undefined) return { ok: false, app, problem: `${unfit.key}: the value has a line break or spaces at an end, which an ini line cannot hold` };
  const notes = [...runnerNotes, ...userNotes(attributes), ...instancesNotes(attributes), ...socketNotes(runner, env, attributes), ...env.notes, ...timing.notes, ...otherNotes(raw as Record<string, unknown>, runner)];
  return { ok: true, vassal: { app, stem: fileStem(app), entries, notes } };
}

/** Attributes under PM2's canonical names; the canonical spelling wins over an alias. */
function canonical(raw: Record<string, unknown>): Map<string, unknown> {
  const attributes = new Map<string, unknown>();
  for (const [key, value] of Object.entries(raw)) {
    const name = canonicalAttribute(key);
    if (name === key || !Object.hasOwn(raw, name)) attributes.set(name, value);
  }
  return attributes;
}

function interpreterOf(attributes: ReadonlyMap<string, unknown>): string | undefined {
  const interpreter = attributes.get('exec_interpreter');
  return typeof interpreter === 'string' && interpreter !== '' ? interpreter : undefined;
}

/** args and node_args as PM2 would pass them, or the problem. */
function argumentWords(attributes: ReadonlyMap<string, unknown>): { args: string[]; interpreterArgs: string[] } | string {
  const args = attributes.has('args') ? pm2Words(attributes.get('args')) : [];
  const interpreterArgs = attributes.has('node_args') ? pm2Words(attributes.get('node_args')) : [];
  if (args === undefined) return 'args: expected a string or an array of strings';
  if (interpreterArgs === undefined) return 'node_args: expected a string or an array of strings';
  return { args, interpreterArgs };
}

function runnerEntries(runner: Runner): IniEntry[] {
  if (runner.kind === 'exec') return [{ key: 'exec', value: shellLine(runner.words) }, { key: 'exec-notify', value: 'false' }];
  return [
    { key: 'script', value: runner.script },
    ...(runner.args.length > 0 ? [{ key: 'script-args', value: shellLine(runner.args) }] : []),
    ...(runner.nodeArgs.length > 0 ? [{ key: 'node-args', value: shellLine(runner.nodeArgs) }] : []),
  ];
}

/** instances as PM2 reads it: 'max', 0 or a negative number mean the CPUs (uWSGI's %k). */
function processesEntry(instances: unknown): IniEntry {
  const count = instances === 'max' ? 0 : typeof instances === 'string' ? parseInt(instances, 10) || 0 : typeof instances === 'number' ? Math.trunc(instances) : 1;
  return count > 0 ? { key: 'processes', value: String(count) } : { key: 'processes', value: '%k', template: true };
}

function instancesNotes(attributes: ReadonlyMap<string, unknown>): string[] {
  const instances = attributes.get('instances');
  const notes: string[] = [];
  if (instances !== undefined && typeof instances !== 'number' && typeof instances !== 'string') notes.push('instances: expected a number or "max": 1 process written');
  if (typeof instances === 'number' && instances < 0) notes.push(`instances: ${instances} means every CPU but ${-instances} under PM2; written processes = %k (every CPU): set a number to keep CPUs free`);
  const mode = attributes.get('exec_mode');
  if (mode !== undefined && !(typeof mode === 'string' && /^(cluster|fork)(_mode)?$/.test(mode))) notes.push(`exec_mode: expected cluster or fork: processes = instances either way`);
  return notes;
}

/** A Node script listens on the master's socket at PORT; an exec app binds its own port as under PM2. */
function socketEntries(runner: Runner, env: AppEnv): IniEntry[] {
  return runner.kind === 'script' && env.port !== undefined ? [{ key: 'http-socket', value: `127.0.0.1:${env.port}` }] : [];
}

function socketNotes(runner: Runner, env: AppEnv, attributes: ReadonlyMap<string, unknown>): string[] {
  if (runner.kind === 'script' && env.port !== undefined) {
    return [`PORT ${env.port}: http-socket = 127.0.0.1:${env.port} (loopback only): PM2 apps often listen on all interfaces: write 0.0.0.0:${env.port} to accept other hosts`];
  }
  if (runner.kind === 'script') {
    return ["no PORT (env or port): no http-socket written: if the app serves, add one (http-socket = 127.0.0.1:3000) so its listen() lands on the master's socket; without one, a second worker on the same port fails with EADDRINUSE"];
  }
  const several = processesEntry(attributes.get('instances')).value !== '1' ? '; several workers on one port need SO_REUSEPORT in the app' : '';
  const fds = "uw's sockets reach only a program that takes them from fd 3 (LISTEN_FDS)";
  if (env.port !== undefined) return [`exec: the app binds port ${env.port} itself, as under PM2: no http-socket written (${fds})${several}`];
  return [`exec: no http-socket written: ${fds}; an app that binds its own port goes on doing so${several}`];
}

/** env lines; a script's PORT is left to uw, which sets it to the http-socket's port. */
function envEntries(runner: Runner, env: AppEnv): IniEntry[] {
  const served = runner.kind === 'script' && env.port !== undefined;
  return env.vars.filter(([key]) => !(served && key === 'PORT')).map(([key, value]) => ({ key: 'env', value: `${key}=${value}` }));
}

function userEntries(attributes: ReadonlyMap<string, unknown>): IniEntry[] {
  return (['uid', 'gid'] as const).flatMap((key) => {
    const value = attributes.get(key);
    return typeof value === 'string' || typeof value === 'number' ? [{ key, value: String(value) }] : [];
  });
}

/** PM2 runs an app as its daemon's user; a vassal without uid runs as whoever runs the emperor: root, often. */
function userNotes(attributes: ReadonlyMap<string, unknown>): string[] {
  if (attributes.has('uid')) return [];
  return ['uid: none: under PM2 the app ran as the PM2 daemon\'s user; under an emperor started as root its workers would run as root: add uid = USER'];
}

/** One line for each attribute uw does not translate, saying what it does instead. */
function otherNotes(raw: Record<string, unknown>, runner: Runner): string[] {
  const notes: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const name = canonicalAttribute(key);
    if (name === 'wait_ready' && value === true) {
      notes.push(runner.kind === 'script' ? `${key}: not needed: a script worker is ready once the app listens on the master's sockets` : `${key}: not translated: an exec worker is ready after exec-ready-after seconds up (1 by default)`);
    }
    if (TRANSLATED.has(name) || name.startsWith('env_')) continue;
    const untranslated = UNTRANSLATED[name];
    if (untranslated === undefined) notes.push(`${key}: unknown PM2 attribute, ignored`);
    else if (untranslated.silent?.(value) !== true) notes.push(`${key}: not translated: ${untranslated.instead}`);
  }
  return notes;
}

/** A file name that stays inside --out: letters, digits, `.`, `_` and `-`; never hidden, never `..`. */
export function fileStem(name: string): string {
  const stem = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '').slice(0, 100);
  return stem === '' ? 'app' : stem;
}

/** Stems made unique in order: a second `api` becomes `api-2`. */
export function uniqueStems(stems: readonly string[]): string[] {
  const taken = new Set<string>();
  return stems.map((stem) => {
    let candidate = stem;
    for (let n = 2; taken.has(candidate); n++) candidate = `${stem}-${n}`;
    taken.add(candidate);
    return candidate;
  });
}
