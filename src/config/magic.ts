// uWSGI's magic variables (%n, %d, ...). They always describe the vassal's own
// file, even inside an included or template file, so a shared template can
// say `pidfile = /run/%n.pid` and mean each vassal.
import path from 'node:path';
import { refLabel, type FileRef } from './file-ref.js';
import type { HostFacts } from './host.js';

export type MagicTable = Readonly<Record<string, string>>;

/**
 * The value of each `%X`. Without a vassal file, %n is the vassal name, %d and
 * %c describe `cwd`, and the other file variables are empty.
 */
export function magicTable(vassal: FileRef | undefined, facts: HostFacts, cwd: string, name: string): MagicTable {
  const file = vassal?.path;
  const dir = file === undefined ? cwd : path.dirname(file);
  const parsed = file === undefined ? undefined : path.parse(file);
  return {
    n: parsed?.name ?? name,
    p: file ?? '',
    d: dir.endsWith('/') ? dir : `${dir}/`,
    s: parsed?.base ?? '',
    e: parsed?.ext.slice(1) ?? '',
    c: path.basename(dir),
    x: vassal === undefined ? '' : refLabel(vassal),
    h: facts.hostname,
    k: String(facts.cpus),
    u: String(facts.uid),
    g: String(facts.gid),
    t: String(Math.floor(facts.nowMs / 1000)),
    T: String(facts.nowMs),
  };
}
