// The config loader's entry point: read the sources in order, splice includes,
// reject unknown keys, expand variables, then type and freeze. Every failure
// is one UwError naming the file and key (and, for an included file, the
// chain of includes that led to it).
import path from 'node:path';
import { UwError } from '../errors.js';
import type { ConfigRequest } from './config-source.js';
import { expandValue, type ExpandContext } from './expand.js';
import { parseFileRef, type FileRef } from './file-ref.js';
import { nodeHost, type ConfigHost } from './host.js';
import { collectEntries } from './includes.js';
import { assertKnownOptions } from './known-options.js';
import { magicTable } from './magic.js';
import { isOptionName } from './options.js';
import { placeholderTable } from './placeholders.js';
import { shown, type RawEntry } from './raw-entry.js';
import { buildVassalConfig } from './schema.js';
import { Settings } from './settings.js';
import { ExpansionInBackquotes, shellInserter } from './shell-quote.js';
import type { VassalConfig } from './vassal-config.js';

export type { ConfigFormat, ConfigRequest, ConfigSource } from './config-source.js';

/** Load one vassal's config; `host` is replaceable for tests. Throws UwError. */
export async function loadConfig(request: ConfigRequest, host: ConfigHost = nodeHost): Promise<VassalConfig> {
  const includeChains = new Map<string, readonly string[]>();
  try {
    return await load(request, host, includeChains);
  } catch (err) {
    const includes = err instanceof UwError && err.file !== undefined ? includeChains.get(err.file) : undefined;
    if (err instanceof UwError && includes !== undefined && err.includes === undefined) {
      throw new UwError(err.code, err.message, { file: err.file, key: err.key, includes });
    }
    throw err;
  }
}

async function load(request: ConfigRequest, host: ConfigHost, includeChains: Map<string, readonly string[]>): Promise<VassalConfig> {
  const vassal = vassalFile(request);
  const name = request.name ?? (vassal === undefined ? 'uw' : path.basename(vassal.path));
  const magic = magicTable(vassal, host.facts(), request.cwd, name);
  const context = (entries: readonly RawEntry[]): ExpandContext => ({ magic, env: request.env, placeholders: placeholderTable(entries) });

  const entries = await collectEntries(request.sources, {
    cwd: request.cwd,
    host,
    expandInclude: (text, entry, seen) => expandValue(text, entry, context(seen)),
    includeChains,
  });
  await assertKnownOptions(entries);
  const placeholders = placeholderTable(entries);
  const options = entries.filter((entry) => isOptionName(entry.key)).map((entry) => expandEntry(entry, { magic, env: request.env, placeholders }));
  return buildVassalConfig(new Settings(options), { cwd: request.cwd, env: request.env, file: vassal?.path ?? '', name, host });
}

/**
 * Expand one option's value. Text from the environment or an included file
 * marks it `written`, so errors quote it as written, not as expanded; in
 * `exec`, every expansion is quoted for /bin/sh, so it is only ever text.
 */
function expandEntry(entry: RawEntry, base: ExpandContext): RawEntry {
  if (entry.value === true) return entry;
  let hidden = false;
  const ctx: ExpandContext = { ...base, used: (from) => (hidden ||= from === 'env' || from.included === true) };
  let value: string;
  try {
    value = expandValue(entry.value, entry, ctx, [], entry.key === 'exec' ? shellInserter(entry.value) : undefined);
  } catch (err) {
    if (!(err instanceof ExpansionInBackquotes)) throw err;
    throw new UwError('UW_CONFIG_INVALID_VALUE', `option ${shown(entry, entry.key, 'key')}: ${err.message}; set it as a variable (env = NAME=%n) and write "$NAME" there`, {
      file: entry.file,
      key: entry.included ? undefined : entry.key,
    });
  }
  // no path, address or argument can hold one; in env it fails the worker's spawn, which the master survives and reports
  if (entry.key !== 'env' && value.includes('\0')) {
    throw new UwError('UW_CONFIG_INVALID_VALUE', `option ${shown(entry, entry.key, 'key')}: the value holds a NUL byte`, { file: entry.file, key: entry.included ? undefined : entry.key });
  }
  return hidden && !entry.included ? { ...entry, value, written: entry.value } : { ...entry, value };
}

/** The first file that is not a template: magic variables and `file` describe it. */
function vassalFile(request: ConfigRequest): FileRef | undefined {
  for (const source of request.sources) {
    if (source.kind === 'file' && source.role !== 'template') return parseFileRef(source.path, request.cwd);
  }
  return undefined;
}
