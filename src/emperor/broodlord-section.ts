// The [zerg] section of a vassal file, as the emperor sees it: present or not,
// and a digest of its entries, so that a change elsewhere in the file does not
// reload the zerg instances and a change inside the section does. Read the way
// fingerprints are (a regular file only, never a FIFO, bounded size) and
// parsed by the masters' own parsers; nothing of the content is ever logged.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseIni } from '../config/parse-ini.js';
import { parseJson } from '../config/parse-json.js';
import { parseYaml } from '../config/parse-yaml.js';
import type { RawEntry } from '../config/raw-entry.js';
import { sectionEntries } from '../config/section-entries.js';
import { MAX_DIGEST_BYTES } from './fingerprint.js';

/** The section zerg instances are started from, as uWSGI's broodlord names it. */
export const ZERG_SECTION = 'zerg';

/** What the file says about zerg instances: no section, or one with this digest; null: unreadable now. */
export type ZergSection = { readonly present: false } | { readonly present: true; readonly digest: string } | null;

/** Read `file` and digest its [zerg] section (`zerg:` key in YAML/JSON). */
export async function readZergSection(file: string): Promise<ZergSection> {
  const text = await readSmallFile(file);
  if (text === null) return null;
  try {
    const entries = await zergEntries(text, file);
    if (entries === undefined) return { present: false };
    const digest = createHash('sha256').update(JSON.stringify(entries.map((entry) => [entry.key, entry.value]))).digest('hex');
    return { present: true, digest };
  } catch {
    // a syntax error: the vassal's own master reports it
    return null;
  }
}

async function zergEntries(text: string, file: string): Promise<RawEntry[] | undefined> {
  const ext = extname(file).toLowerCase();
  if (ext === '.ini') return parseIni(text, [ZERG_SECTION], file);
  const doc = ext === '.json' ? parseJson(text, file) : await parseYaml(text, file);
  return sectionEntries(doc, [ZERG_SECTION], file);
}

/** The content of a regular file of at most MAX_DIGEST_BYTES, or null. */
async function readSmallFile(file: string): Promise<string | null> {
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
