// One named section of a vassal file's text (read by vassal-file-read.ts),
// parsed by the masters' own parsers without loading the rest of the file.
// Nothing of the content is ever logged.
import { extname } from 'node:path';
import { parseIni } from '../config/parse-ini.js';
import { parseJson } from '../config/parse-json.js';
import { parseYaml } from '../config/parse-yaml.js';
import type { RawEntry } from '../config/raw-entry.js';
import { sectionEntries } from '../config/section-entries.js';

/** The entries of `[section]` (the top-level `section:` key in YAML/JSON); undefined: no such section. */
export async function sectionOfFile(text: string, file: string, section: string): Promise<RawEntry[] | undefined> {
  const ext = extname(file).toLowerCase();
  if (ext === '.ini') return parseIni(text, [section], file);
  const doc = ext === '.json' ? parseJson(text, file) : await parseYaml(text, file);
  return sectionEntries(doc, [section], file);
}
