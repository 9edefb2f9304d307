// A vassal file's own [emperor] section (the top-level `emperor:` key in
// YAML/JSON): attributes for the emperor, not for the master, which uWSGI's
// masters ignore too. Read without loading the rest of the file; each name
// is declared once here, typed once, and used by the part of the emperor it
// concerns (the binary a vassal runs with, its placement across hosts).
import { UwError } from '../errors.js';
import type { RawEntry } from '../config/raw-entry.js';
import { sectionOfFile } from './file-section.js';

/** The section's name in a vassal file. */
export const ATTRIBUTES_SECTION = 'emperor';

/** Every attribute a vassal's [emperor] section may set, with what it means. */
export const VASSAL_ATTRIBUTES = {
  binary: 'the program the master is run with (e.g. /usr/bin/uwsgi), instead of uw',
  instances: 'how many emperors of a cluster run this vassal (default: every member)',
  hosts: 'a glob of the host ids that may run this vassal (cluster placement)',
  labels: 'labels a host must carry to run this vassal (comma-separated, repeatable)',
  'ready-timeout': 'seconds a master run with `binary` has to report accepting (uWSGI\'s byte 5) before it is killed and retried with back-off (default 60)',
} as const;

/** The typed attributes; absent ones are undefined. */
export interface VassalAttributes {
  readonly binary?: string;
  readonly instances?: number;
  readonly hosts?: string;
  readonly labels?: readonly string[];
  readonly readyTimeoutMs?: number;
}

/** Type the section's entries; an unknown name or a bad value is a config error naming the file and key. */
export function parseVassalAttributes(entries: readonly RawEntry[]): VassalAttributes {
  const out: { binary?: string; instances?: number; hosts?: string; labels?: string[]; readyTimeoutMs?: number } = {};
  for (const entry of entries) {
    const value = entry.value === true ? '' : entry.value.trim();
    const where = { file: entry.file, key: entry.key };
    switch (entry.key) {
      case 'binary':
        if (value === '') throw new UwError('UW_CONFIG_INVALID_VALUE', 'option "binary" in [emperor]: expected a program path', where);
        out.binary = value;
        break;
      case 'instances':
        if (!/^[1-9][0-9]{0,5}$/.test(value)) throw new UwError('UW_CONFIG_INVALID_VALUE', 'option "instances" in [emperor]: expected an integer >= 1', where);
        out.instances = Number(value);
        break;
      case 'hosts':
        if (value === '') throw new UwError('UW_CONFIG_INVALID_VALUE', 'option "hosts" in [emperor]: expected a glob of host ids', where);
        out.hosts = value;
        break;
      case 'labels':
        out.labels = [...(out.labels ?? []), ...value.split(',').map((label) => label.trim()).filter((label) => label !== '')];
        break;
      case 'ready-timeout':
        if (!/^[1-9][0-9]{0,4}$/.test(value)) throw new UwError('UW_CONFIG_INVALID_VALUE', 'option "ready-timeout" in [emperor]: expected a number of seconds from 1 to 99999', where);
        out.readyTimeoutMs = Number(value) * 1000;
        break;
      default: {
        const known = Object.keys(VASSAL_ATTRIBUTES).join(', ');
        throw new UwError('UW_CONFIG_UNKNOWN_OPTION', `unknown option "${entry.key}" in [emperor] (known: ${known})`, where);
      }
    }
  }
  return Object.freeze(out);
}

/** What the [emperor] section of `text` (the content of `file`) says; null when it does not parse (its master reports why). */
export async function vassalAttributesOf(text: string, file: string): Promise<VassalAttributes | null> {
  let entries: RawEntry[] | undefined;
  try {
    entries = await sectionOfFile(text, file, ATTRIBUTES_SECTION);
  } catch {
    // a syntax error: the vassal's own master reports it
    return null;
  }
  return parseVassalAttributes(entries ?? []);
}
