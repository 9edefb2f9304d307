// The [zerg] section of a vassal file, as the emperor sees it: present or not,
// and a digest of its entries, so that a change elsewhere in the file does not
// reload the zerg instances and a change inside the section does. Read the way
// fingerprints are (a regular file only, never a FIFO, bounded size) and
// parsed by the masters' own parsers; nothing of the content is ever logged.
import { createHash } from 'node:crypto';
import { sectionOfFile } from './file-section.js';
import { readVassalFile } from './vassal-file-read.js';

/** The section zerg instances are started from, as uWSGI's broodlord names it. */
export const ZERG_SECTION = 'zerg';

/** What the file says about zerg instances: no section, or one with this digest; null: unreadable now. */
export type ZergSection = { readonly present: false } | { readonly present: true; readonly digest: string } | null;

/** Read `file` and digest its [zerg] section (`zerg:` key in YAML/JSON). */
export async function readZergSection(file: string): Promise<ZergSection> {
  const read = await readVassalFile(file);
  if (read === null) return null;
  try {
    const entries = await sectionOfFile(read.text, file, ZERG_SECTION);
    if (entries === undefined) return { present: false };
    const digest = createHash('sha256').update(JSON.stringify(entries.map((entry) => [entry.key, entry.value]))).digest('hex');
    return { present: true, digest };
  } catch {
    // a syntax error: the vassal's own master reports it
    return null;
  }
}
