// The config loader's entry point: read the sources in order, splice includes,
// reject unknown keys, expand variables, then type and freeze. Every failure
// is one UwError naming the file and key.
import path from 'node:path';
import type { ConfigRequest } from './config-source.js';
import { expandValue, type ExpandContext } from './expand.js';
import { parseFileRef, type FileRef } from './file-ref.js';
import { nodeHost, type ConfigHost } from './host.js';
import { collectEntries } from './includes.js';
import { assertKnownOptions } from './known-options.js';
import { magicTable } from './magic.js';
import { isOptionName } from './options.js';
import { placeholderTable } from './placeholders.js';
import type { RawEntry } from './raw-entry.js';
import { buildVassalConfig } from './schema.js';
import { Settings } from './settings.js';
import type { VassalConfig } from './vassal-config.js';

export type { ConfigFormat, ConfigRequest, ConfigSource } from './config-source.js';

/** Load one vassal's config; `host` is replaceable for tests. Throws UwError. */
export async function loadConfig(request: ConfigRequest, host: ConfigHost = nodeHost): Promise<VassalConfig> {
  const vassal = vassalFile(request);
  const name = request.name ?? (vassal === undefined ? 'uw' : path.basename(vassal.path));
  const magic = magicTable(vassal, host.facts(), request.cwd, name);
  const context = (entries: readonly RawEntry[]): ExpandContext => ({ magic, env: request.env, placeholders: placeholderTable(entries) });

  const entries = await collectEntries(request.sources, {
    cwd: request.cwd,
    host,
    expandInclude: (text, entry, seen) => expandValue(text, entry, context(seen)),
  });
  await assertKnownOptions(entries);
  const expand = context(entries);
  const options = entries
    .filter((entry) => isOptionName(entry.key))
    .map((entry): RawEntry => (entry.value === true ? entry : { ...entry, value: expandValue(entry.value, entry, expand) }));
  return buildVassalConfig(new Settings(options), { cwd: request.cwd, env: request.env, file: vassal?.path ?? '', name, host });
}

/** The first file that is not a template: magic variables and `file` describe it. */
function vassalFile(request: ConfigRequest): FileRef | undefined {
  for (const source of request.sources) {
    if (source.kind === 'file' && source.role !== 'template') return parseFileRef(source.path, request.cwd);
  }
  return undefined;
}
