// Read one config file and return the entries of its section. js-yaml itself
// is imported on first use inside parse-yaml: most vassals never need it.
import path from 'node:path';
import { UwError } from '../errors.js';
import type { ConfigFormat } from './config-source.js';
import { DEFAULT_SECTIONS, type FileRef } from './file-ref.js';
import type { ConfigHost } from './host.js';
import { parseIni } from './parse-ini.js';
import { parseJson } from './parse-json.js';
import { parseYaml } from './parse-yaml.js';
import { MAX_CONFIG_BYTES } from './read-bounded.js';
import type { RawEntry } from './raw-entry.js';
import { sectionEntries } from './section-entries.js';
import { TYRANT_ENV } from './worker-user.js';

/**
 * The section's entries. An `included` file was named by another file, not by
 * whoever runs uw: it may not be a config file at all, so its errors and
 * entries never carry its text (see RawEntry.included).
 */
export async function readConfigFile(ref: FileRef, format: ConfigFormat, host: ConfigHost, included: boolean): Promise<RawEntry[]> {
  let text: string;
  try {
    text = await host.readFile(ref.path, included ? undefined : tyrantOwner(host));
  } catch (err) {
    throw new UwError('UW_CONFIG_UNREADABLE', `cannot read the config file: ${readReason(err)}`, { file: ref.path });
  }
  const sections = ref.section === undefined ? DEFAULT_SECTIONS : [ref.section];
  const entries = await parse(text, format, sections, ref.path, included);
  if (entries === undefined) {
    const names = format === 'ini' ? sections.map((s) => `[${s}]`) : sections.map((s) => `"${s}"`);
    const what = format === 'ini' ? 'section' : 'top-level key';
    throw new UwError('UW_CONFIG_FORMAT', `no ${names.join(' or ')} ${what} in ${path.basename(ref.path)}`, { file: ref.path });
  }
  return entries;
}

async function parse(text: string, format: ConfigFormat, sections: readonly string[], file: string, included: boolean): Promise<RawEntry[] | undefined> {
  switch (format) {
    case 'ini':
      return parseIni(text, sections, file, included);
    case 'yaml':
      return sectionEntries(await parseYaml(text, file, included), sections, file, included);
    case 'json':
      return sectionEntries(parseJson(text, file, included), sections, file, included);
  }
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a parent is not a directory',
  EFBIG: `larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB, far more than any config file`,
  ENOTREG: 'not a regular file',
  ENOTOWNER: 'tyrant mode: it is not owned by the user this master runs as (the file changed owner, or another file was put at its name)',
  ELOOP: 'too many levels of symbolic links',
  // the only argument fs can refuse here is the path
  ERR_INVALID_ARG_VALUE: 'the path holds a NUL byte',
};

/**
 * A tyrant master runs as its vassal file's owner, decided by the emperor from the
 * path a moment ago: the file it reads must still be that user's, or someone
 * could have swapped their own config in to run it as the owner.
 */
function tyrantOwner(host: ConfigHost): number | undefined {
  return process.env[TYRANT_ENV] === '1' ? host.facts().uid : undefined;
}

function readReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined) return REASONS[code] ?? code;
  return err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err);
}
