// Which files `uwemperor logs [VASSAL]` reads, from the emperor's document:
// each master says where it logs (its stats document's log_file). A vassal
// that logs to the emperor's stdout has no file; an unknown name is answered
// with the closest one. Pure.
import { isAbsolute } from 'node:path';
import { closestName } from '../emperor/closest-name.js';
import type { EmperorStatsDocument, VassalStatsDocument } from '../stats/emperor-document.js';

/** One file to read, and the vassals whose lines to keep from it. */
export interface LogSource {
  readonly file: string;
  /** null: every line of the file; else only the records of these vassals (the file is shared) */
  readonly vassals: ReadonlySet<string> | null;
  /** the masters that report the file: the file must be owned by the user one of them runs as */
  readonly masters: readonly { readonly id: string; readonly pid: number }[];
}

/** The vassal cannot be shown: the message says why in one line. */
export class LogsUnavailableError extends Error {}

/** The sources for `name` (undefined: every vassal), and a note on stderr for the vassals left out. */
export function logSources(document: EmperorStatsDocument, name: string | undefined): { sources: LogSource[]; notes: string[] } {
  const chosen = name === undefined ? document.vassals : [findVassal(document, name)];
  const withFile = chosen.filter((vassal) => fileOf(vassal) !== undefined);
  const without = chosen.filter((vassal) => fileOf(vassal) === undefined);
  if (name !== undefined && without[0] !== undefined) throw new LogsUnavailableError(whyNoFile(without[0]));
  if (withFile.length === 0) {
    throw new LogsUnavailableError(document.vassals.length === 0 ? 'the emperor has no vassals' : 'no vassal logs to a file (they log to the emperor\'s stdout: set logto or the emperor\'s vassal-logto-dir)');
  }
  const byFile = new Map<string, Set<string>>();
  for (const vassal of document.vassals) {
    const file = fileOf(vassal);
    if (file !== undefined) byFile.set(file, (byFile.get(file) ?? new Set()).add(vassal.id));
  }
  const sources = [...new Set(withFile.map((vassal) => fileOf(vassal) as string))].map((file) => {
    const users = byFile.get(file) ?? new Set<string>();
    const mine = new Set(withFile.filter((vassal) => fileOf(vassal) === file).map((vassal) => vassal.id));
    const masters = document.vassals.filter((vassal) => fileOf(vassal) === file).map((vassal) => ({ id: vassal.id, pid: vassal.pid }));
    return { file, vassals: mine.size === users.size ? null : mine, masters };
  });
  return { sources, notes: without.map(whyNoFile) };
}

/** The vassal named `name`: its id ("app.ini", "team/app.ini"), or the id without its extension when only one fits. */
export function findVassal(document: EmperorStatsDocument, name: string): VassalStatsDocument {
  const exact = document.vassals.find((vassal) => vassal.id === name);
  if (exact !== undefined) return exact;
  const stems = document.vassals.filter((vassal) => vassal.id.replace(/\.(ini|ya?ml|json)$/, '') === name);
  if (stems.length === 1 && stems[0] !== undefined) return stems[0];
  if (stems.length > 1) throw new LogsUnavailableError(`"${name}" names several vassals (${stems.map((vassal) => vassal.id).join(', ')}): give the file name`);
  const closest = closestName(name, document.vassals.map((vassal) => vassal.id));
  const hint = closest === undefined ? `the vassals: ${document.vassals.map((vassal) => vassal.id).join(', ') || 'none'}` : `did you mean ${closest}?`;
  throw new LogsUnavailableError(`no vassal named "${name}" (${hint})`);
}

/** The file a vassal's master logs to; a log_file that is not an absolute path is refused (a master says it). */
function fileOf(vassal: VassalStatsDocument): string | undefined {
  const file: unknown = vassal.stats?.log_file;
  if (file === undefined || file === null) return undefined;
  if (typeof file !== 'string' || file === '' || !isAbsolute(file)) throw new LogsUnavailableError(`${vassal.id}: its master reports a log_file that is not an absolute path`);
  return file;
}

/** Why a vassal has no file to read, in one line. */
function whyNoFile(vassal: VassalStatsDocument): string {
  if (vassal.stats !== null) return `${vassal.id} logs to the emperor's stdout, not to a file (set logto, or the emperor's vassal-logto-dir)`;
  if (vassal.pid > 0) return `${vassal.id}: its master did not answer in time, so where it logs is not known`;
  return `${vassal.id} has no master running (${vassal.state}), so where it logs is not known`;
}
