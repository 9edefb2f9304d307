// The emperor's settings, converted and validated once from the raw options
// (config file first, then the command line) and frozen. ini and argv give
// strings; nothing downstream parses a value again.
import { resolve } from 'node:path';
import { UwError } from '../errors.js';
import type { EmperorOptionName, RawEmperorOption } from './emperor-options.js';
import { MASTER_EXIT_MARGIN_MS } from './master-mercy.js';

/** The validated, frozen settings the emperor runs with. */
export interface EmperorSettings {
  /** absolute directories, globs or files */
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
  const targets = all('emperor').map(path);
  if (targets.length === 0) {
    throw new UwError('UW_USAGE', 'expected at least one directory or glob to watch: uwemperor DIR (or emperor = DIR in --config)');
  }
  return Object.freeze({
    targets: Object.freeze(targets),
    pidfile: scalar('pidfile', path, undefined),
    reloadMercyMs: scalar('reload-mercy', seconds, EMPEROR_DEFAULTS.reloadMercyMs),
    vassalsInherit: Object.freeze(all('vassals-inherit').map(path)),
    vassalSet: Object.freeze(all('vassal-set').map(assignment)),
    startConcurrency: scalar('start-concurrency', (option) => integer(option, 1), EMPEROR_DEFAULTS.startConcurrency),
    rescanIntervalMs: scalar('rescan-interval', seconds, EMPEROR_DEFAULTS.rescanIntervalMs),
    settleMs: scalar('settle-ms', (option) => integer(option, 0), EMPEROR_DEFAULTS.settleMs),
    masterBin: scalar('master-bin', path, undefined),
  });
}

function seconds(option: RawEmperorOption): number {
  if (!/^\d+(\.\d+)?$/.test(option.value.trim())) invalid(option, 'a number of seconds >= 0');
  return Math.round(Number(option.value) * 1000);
}

function integer(option: RawEmperorOption, min: number): number {
  const value = Number(option.value.trim());
  if (!/^\d+$/.test(option.value.trim()) || value < min) invalid(option, `an integer >= ${min}`);
  return value;
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
