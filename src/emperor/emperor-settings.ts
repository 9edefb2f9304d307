// The emperor's settings, converted and validated once from the raw options
// (config file first, then the command line) and frozen. ini and argv give
// strings; nothing downstream parses a value again.
import { resolve } from 'node:path';
import { UwError } from '../errors.js';
import { parseAddress } from '../config/addresses.js';
import type { ListenAddress } from '../config/vassal-config.js';
import type { EmperorOptionName, RawEmperorOption } from './emperor-options.js';
import { MASTER_EXIT_MARGIN_MS } from './master-mercy.js';
import { buildEtcdSettings, isEtcdSpec, type EtcdSettings } from './etcd/etcd-settings.js';

/** The validated, frozen settings the emperor runs with. */
export interface EmperorSettings {
  /** absolute directories, globs or files, and etcd://… specs as written */
  readonly targets: readonly string[];
  readonly pidfile: string | undefined;
  readonly reloadMercyMs: number;
  readonly vassalsInherit: readonly string[];
  /** "key=value" */
  readonly vassalSet: readonly string[];
  readonly startConcurrency: number;
  /** 0: no periodic rescan */
  readonly rescanIntervalMs: number;
  readonly settleMs: number;
  /** undefined: the bundled master */
  readonly masterBin: string | undefined;
  /** the program for every vassal without its own binary (uWSGI's emperor-wrapper); undefined: uw */
  readonly emperorWrapper: string | undefined;
  /** vassal files matching `glob` (absolute) run with `binary`; the first match wins */
  readonly vassalBinary: readonly { readonly glob: string; readonly binary: string }[];
  /** masters run with another binary stop with byte 2 (graceful) instead of 0 */
  readonly gracefulShutdown: boolean;
  /** broodlord: zerg instances per vassal at most; 0: SOS is ignored */
  readonly broodlord: number;
  /** the emperor's stats server; undefined: none */
  readonly stats: ListenAddress | undefined;
  /** an explicit control socket path; undefined: defaultControlPath() */
  readonly control: string | undefined;
  /** the emperor's own log file (and the vassals' without their own); undefined: stdout */
  readonly logto: string | undefined;
  /** each vassal logs to DIR/<vassal>.log unless it sets logto */
  readonly vassalLogtoDir: string | undefined;
  /** undefined: text on a terminal without logto, else json */
  readonly logFormat: 'json' | 'text' | undefined;
  /** each master runs as its vassal file's owner (see tyrant.ts) */
  readonly tyrant: boolean;
  /** tyrant: a file owned by root is started (as root) instead of refused */
  readonly tyrantAllowRoot: boolean;
  /** etcd targets: this emperor's host id, TLS, auth and cache (see etcd/etcd-settings.ts) */
  readonly etcd: EtcdSettings;
}

/** Defaults, as documented in --help and config/emperor.ini. */
export const EMPEROR_DEFAULTS = Object.freeze({
  // uw's default reload-mercy (60 s) plus the time a master needs to exit after it
  reloadMercyMs: 60_000 + MASTER_EXIT_MARGIN_MS,
  startConcurrency: 4,
  rescanIntervalMs: 10_000,
  settleMs: 25,
});

/** Scalars: the last value wins (the command line comes after the file). Lists: all of them. */
export function buildEmperorSettings(raw: readonly RawEmperorOption[]): EmperorSettings {
  const all = (name: EmperorOptionName) => raw.filter((option) => option.name === name);
  const last = (name: EmperorOptionName) => all(name).at(-1);
  const path = (option: RawEmperorOption) => resolve(option.base, option.value);
  const scalar = <T>(name: EmperorOptionName, convert: (option: RawEmperorOption) => T, fallback: T): T => {
    const option = last(name);
    return option === undefined ? fallback : convert(option);
  };
  const targets = all('emperor').map((option) => (isEtcdSpec(option.value) ? option.value.trim() : path(option)));
  if (targets.length === 0) {
    throw new UwError('UW_USAGE', 'expected at least one directory or glob to watch: uwemperor DIR (or emperor = DIR in --config)');
  }
  return Object.freeze({
    targets: Object.freeze(targets),
    pidfile: scalar('pidfile', path, undefined),
    reloadMercyMs: scalar('reload-mercy', seconds, EMPEROR_DEFAULTS.reloadMercyMs),
    vassalsInherit: Object.freeze(all('vassals-inherit').map(path)),
    vassalSet: Object.freeze(all('vassal-set').map(assignment)),
    startConcurrency: scalar('start-concurrency', (option) => integer(option, 1, MAX_START_CONCURRENCY), EMPEROR_DEFAULTS.startConcurrency),
    rescanIntervalMs: scalar('rescan-interval', seconds, EMPEROR_DEFAULTS.rescanIntervalMs),
    settleMs: scalar('settle-ms', (option) => integer(option, 0, MAX_SETTLE_MS), EMPEROR_DEFAULTS.settleMs),
    masterBin: scalar('master-bin', path, undefined),
    emperorWrapper: scalar('emperor-wrapper', program, undefined),
    vassalBinary: Object.freeze(all('vassal-binary').map(globBinary)),
    gracefulShutdown: scalar('emperor-graceful-shutdown', bool, true),
    broodlord: scalar('emperor-broodlord', (option) => integer(option, 0, MAX_BROODLORD), 0),
    stats: scalar('stats', address, undefined),
    control: scalar('control', (option) => socketPath(path(option), option), undefined),
    logto: scalar('logto', path, undefined),
    vassalLogtoDir: scalar('vassal-logto-dir', path, undefined),
    logFormat: scalar('log-format', logFormat, undefined),
    tyrant: scalar('tyrant', bool, false),
    tyrantAllowRoot: scalar('tyrant-allow-root', bool, false),
    etcd: buildEtcdSettings(last, path, invalid),
  });
}

// Upper bounds: a timer longer than 2^31-1 ms fires at once in Node, and more than
// this many masters starting together only thrash a machine.
const MAX_SECONDS = 86_400;
const MAX_SETTLE_MS = 10_000;
const MAX_START_CONCURRENCY = 1_024;
const MAX_BROODLORD = 64;

function seconds(option: RawEmperorOption): number {
  const value = Number(option.value.trim());
  if (!/^\d+(\.\d+)?$/.test(option.value.trim()) || value > MAX_SECONDS) invalid(option, `a number of seconds from 0 to ${MAX_SECONDS} (one day)`);
  return Math.round(value * 1000);
}

function integer(option: RawEmperorOption, min: number, max: number): number {
  const value = Number(option.value.trim());
  if (!/^\d+$/.test(option.value.trim()) || value < min || value > max) invalid(option, `an integer from ${min} to ${max}`);
  return value;
}

function address(option: RawEmperorOption): ListenAddress {
  const parsed = parseAddress(option.value.trim(), option.base);
  if (!parsed.ok) invalid(option, parsed.expected);
  return parsed.address;
}

/** A UNIX socket path the kernel accepts (sun_path is short). */
function socketPath(resolved: string, option: RawEmperorOption): string {
  const parsed = parseAddress(resolved, option.base);
  if (!parsed.ok || parsed.address.type !== 'unix') invalid(option, parsed.ok ? 'a socket path' : parsed.expected);
  return parsed.address.path;
}

function assignment(option: RawEmperorOption): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*=/.test(option.value)) invalid(option, 'key=value');
  return option.value;
}

function invalid(option: RawEmperorOption, expected: string): never {
  const got = JSON.stringify(option.value);
  if (option.file === undefined) throw new UwError('UW_USAGE', `expected --${option.name} to be ${expected}, got ${got}`);
  throw new UwError('UW_CONFIG_INVALID_VALUE', `expected "${option.name}" to be ${expected}, got ${got}`, { file: option.file, key: option.name });
}

/** A program: a bare name is looked up in PATH when a vassal starts, anything with a '/' resolves against the base. */
function program(option: RawEmperorOption): string {
  const value = option.value.trim();
  if (value === '') invalid(option, 'a program path');
  return value.includes('/') ? resolve(option.base, value) : value;
}

/** GLOB:PROGRAM; the glob resolves against the base like a watched path. */
function globBinary(option: RawEmperorOption): { glob: string; binary: string } {
  const colon = option.value.indexOf(':');
  const glob = colon > 0 ? option.value.slice(0, colon).trim() : '';
  const binary = colon > 0 ? option.value.slice(colon + 1).trim() : '';
  if (glob === '' || binary === '') invalid(option, 'GLOB:PROGRAM (e.g. /srv/python/*.ini:/usr/bin/uwsgi)');
  return Object.freeze({ glob: resolve(option.base, glob), binary: binary.includes('/') ? resolve(option.base, binary) : binary });
}

function logFormat(option: RawEmperorOption): 'json' | 'text' {
  if (option.value === 'json' || option.value === 'text') return option.value;
  return invalid(option, 'json or text');
}

function bool(option: RawEmperorOption): boolean {
  const value = option.value.trim().toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(value)) return true;
  if (['false', 'no', 'off', '0'].includes(value)) return false;
  return invalid(option, 'true or false');
}
