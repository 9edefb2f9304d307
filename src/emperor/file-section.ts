// One named section of a vassal file, read by the emperor without loading the
// rest of the file: a regular file only (never a FIFO), of bounded size, parsed
// by the masters' own parsers. Nothing of the content is ever logged.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseIni } from '../config/parse-ini.js';
import { parseJson } from '../config/parse-json.js';
import { parseYaml } from '../config/parse-yaml.js';
import type { RawEntry } from '../config/raw-entry.js';
import { sectionEntries } from '../config/section-entries.js';
import { MAX_DIGEST_BYTES } from './fingerprint.js';

/** The entries of `[section]` (the top-level `section:` key in YAML/JSON); undefined: no such section. */
export async function sectionOfFile(text: string, file: string, section: string): Promise<RawEntry[] | undefined> {
  const ext = extname(file).toLowerCase();
  if (ext === '.ini') return parseIni(text, [section], file);
  const doc = ext === '.json' ? parseJson(text, file) : await parseYaml(text, file);
  return sectionEntries(doc, [section], file);
}

/** The content of a regular file of at most MAX_DIGEST_BYTES, or null. */
export async function readSmallFile(file: string): Promise<string | null> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch {
    return null;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile() || stats.size > MAX_DIGEST_BYTES) return null;
    return await handle.readFile('utf8');
  } catch {
    return null;
  } finally {
    await handle.close().catch(() => undefined);
  }
}
