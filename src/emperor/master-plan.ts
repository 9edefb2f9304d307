// What the emperor runs for a vassal's next master, decided before each start:
// `uw` over its IPC channel, or another program (uWSGI's own binary) spoken to
// with uWSGI's emperor protocol. The vassal file's [emperor] `binary` wins, then
// the first `vassal-binary` glob matching the file, then `emperor-wrapper`.
import { statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parseAddress } from '../config/addresses.js';
import type { ListenAddress } from '../config/vassal-config.js';
import { UwError } from '../errors.js';
import { isExecutable } from '../process/spawn.js';
import { sectionOfFile } from './file-section.js';
import { globToRegExp } from './glob-pattern.js';
import { vassalAttributesOf, type VassalAttributes } from './vassal-attributes.js';
import { readVassalFile, type FileOwner, type VassalFileText } from './vassal-file-read.js';

/** A master run with another binary: how to watch and read it. */
export interface UwsgiPlan {
  readonly kind: 'uwsgi';
  /** absolute path of the program */
  readonly binary: string;
  /** its config's `heartbeat`, in ms; null: not set (or not readable by the emperor) */
  readonly heartbeatMs: number | null;
  /** its config's `stats` server, read for the emperor's statistics; null: none (or not on this host's loopback) */
  readonly stats: ListenAddress | null;
  /** the vassal file's owner: a UNIX stats socket owned by anyone else (or the emperor) is not read */
  readonly ownerUid: number;
  /** killed and retried when not accepting within this */
  readonly readyTimeoutMs: number;
}

/** How the next master is run. */
export type MasterPlan = { readonly kind: 'uw' } | UwsgiPlan;

/** The emperor settings the choice depends on. */
export interface PlanSettings {
  /** the program for every vassal without a binary of its own (uWSGI's emperor-wrapper) */
  readonly emperorWrapper: string | undefined;
  /** `vassal-binary = GLOB:PATH`, in order: the first match wins */
  readonly vassalBinary: readonly { readonly glob: string; readonly binary: string }[];
}

/** The word for the bundled master in `binary`, so a vassal can opt out of emperor-wrapper. */
export const UW_BINARY = 'uw';

/** uWSGI's emperor sets no such limit: ours, for masters that never report accepting. */
export const DEFAULT_READY_TIMEOUT_MS = 60_000;

const UW_PLAN: MasterPlan = Object.freeze({ kind: 'uw' });

/**
 * The plan for `file` (its [zerg] section's settings for a zerg instance), read once; with `owner` (tyrant mode,
 * the ids the master runs as) a file that is not theirs is a UwError. A bad binary is a UwError naming where it was set.
 */
export async function planMaster(file: string, settings: PlanSettings, zerg = false, owner?: FileOwner): Promise<MasterPlan> {
  const read = await readVassalFile(file, owner);
  const attributes: VassalAttributes = (read === null ? null : await vassalAttributesOf(read.text, file)) ?? {};
  const chosen = chooseBinary(file, attributes, settings);
  if (chosen === undefined || chosen.binary === UW_BINARY) return UW_PLAN;
  const binary = locateProgram(chosen.binary, dirname(file));
  if (binary === null) {
    throw new UwError('UW_VASSAL_BINARY', `${chosen.where}: "${chosen.binary}" is not an executable file`, chosen.where === 'binary in [emperor]' ? { file, key: 'binary' } : {});
  }
  const own = await ownSettings(read, file, zerg ? 'zerg' : 'uwsgi');
  // the owner of the bytes read, not of whatever is at the path now
  const ownerUid = read?.uid ?? -1;
  return Object.freeze({ kind: 'uwsgi', binary, ...own, ownerUid, readyTimeoutMs: attributes.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS });
}

function chooseBinary(file: string, attributes: VassalAttributes, settings: PlanSettings): { binary: string; where: string } | undefined {
  if (attributes.binary !== undefined) return { binary: attributes.binary, where: 'binary in [emperor]' };
  const rule = settings.vassalBinary.find((candidate) => globToRegExp(candidate.glob).test(file));
  if (rule !== undefined) return { binary: rule.binary, where: `vassal-binary ${rule.glob} for ${file}` };
  if (settings.emperorWrapper !== undefined) return { binary: settings.emperorWrapper, where: `emperor-wrapper for ${file}` };
  return undefined;
}

/** An absolute path, a path relative to the vassal file's directory, or a bare name searched in PATH; null unless a regular executable file. */
export function locateProgram(program: string, base: string, path = process.env.PATH ?? ''): string | null {
  const candidates = isAbsolute(program) ? [program] : program.includes('/') ? [resolve(base, program)] : path.split(delimiter).filter((dir) => isAbsolute(dir)).map((dir) => join(dir, program));
  return candidates.find((candidate) => isProgram(candidate)) ?? null;
}

function isProgram(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() === true && isExecutable(path);
}

/** `heartbeat` and `stats` as the file's own section sets them literally; anything the emperor cannot read is left unknown. */
async function ownSettings(read: VassalFileText | null, file: string, section: string): Promise<{ heartbeatMs: number | null; stats: ListenAddress | null }> {
  let entries;
  try {
    entries = read === null ? undefined : await sectionOfFile(read.text, file, section);
  } catch {
    entries = undefined;
  }
  const value = (...keys: string[]): string | undefined => {
    const entry = entries?.filter((candidate) => keys.includes(candidate.key)).at(-1);
    return typeof entry?.value === 'string' ? entry.value.trim() : undefined;
  };
  const heartbeat = value('heartbeat');
  const stats = value('stats', 'stats-server');
  const parsed = stats === undefined ? null : parseAddress(stats, dirname(file));
  return {
    heartbeatMs: heartbeat !== undefined && /^[1-9][0-9]{0,5}$/.test(heartbeat) ? Number(heartbeat) * 1000 : null,
    stats: parsed?.ok === true ? onThisHost(parsed.address) : null,
  };
}

/** The emperor reads a stats server only on loopback or a UNIX socket: a vassal file never makes it connect elsewhere. */
function onThisHost(address: ListenAddress): ListenAddress | null {
  if (address.type === 'unix') return address;
  if (address.host === '0.0.0.0' || address.host === '127.0.0.1' || address.host === 'localhost') return { type: 'tcp', host: '127.0.0.1', port: address.port };
  if (address.host === '::' || address.host === '::1') return { type: 'tcp', host: '::1', port: address.port };
  return null;
}
