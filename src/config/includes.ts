// Walk the sources in order and splice included files in. `ini`/`yaml`/`json`
// include another file's options at that point; `inherit` puts the base file's
// options before the including file's own, so the including file wins.
import path from 'node:path';
import { UwError } from '../errors.js';
import type { ConfigFormat, ConfigSource } from './config-source.js';
import { formatOf, parseFileRef, refLabel, type FileRef } from './file-ref.js';
import type { ConfigHost } from './host.js';
import type { RawEntry } from './raw-entry.js';
import { readConfigFile } from './read-config-file.js';

export interface CollectContext {
  readonly cwd: string;
  readonly host: ConfigHost;
  /** expand an include's file name; `seen` holds every entry read so far, for %(name) */
  readonly expandInclude: (text: string, entry: RawEntry, seen: readonly RawEntry[]) => string;
  /** filled in as files are included: each included file → the chain of files that led to it, itself last */
  readonly includeChains: Map<string, readonly string[]>;
}

/** include key → the format it forces (inherit goes by extension) */
const INCLUDES: Readonly<Record<string, ConfigFormat | undefined>> = { ini: 'ini', yaml: 'yaml', yml: 'yaml', json: 'json', inherit: undefined };

export function isIncludeKey(key: string): boolean {
  return Object.hasOwn(INCLUDES, key);
}

/** Every entry of every source, includes resolved, in the order they apply. */
export async function collectEntries(sources: readonly ConfigSource[], ctx: CollectContext): Promise<RawEntry[]> {
  const walker = new IncludeWalker(ctx);
  const out: RawEntry[] = [];
  for (const source of sources) {
    if (source.kind === 'file') {
      out.push(...(await walker.read(parseFileRef(source.path, ctx.cwd), source.format, [])));
    } else {
      const entry: RawEntry = { key: source.key, value: source.value, file: source.origin };
      out.push(...(await walker.entry(entry, ctx.cwd, undefined, [])).own);
    }
  }
  return out;
}

/** Deeper than any real chain of includes (a loop is caught by name long before). */
export const MAX_INCLUDE_DEPTH = 64;
/** Files read in one load: a file that includes another twice, each doing the same, doubles at every level. */
export const MAX_FILES_READ = 256;

class IncludeWalker {
  /** reading order, for placeholders in include paths */
  private readonly seen: RawEntry[] = [];
  private filesRead = 0;

  constructor(private readonly ctx: CollectContext) {}

  /** `included`: named by another file's include, rather than by whoever runs uw. */
  async read(ref: FileRef, format: ConfigFormat | undefined, chain: readonly string[], includedBy?: RawEntry, included = false): Promise<RawEntry[]> {
    const label = refLabel(ref);
    if (chain.includes(label)) {
      const loop = [...chain, label].map((l) => this.display(l)).join(' -> ');
      throw new UwError('UW_CONFIG_INCLUDE_CYCLE', `include cycle: ${loop}`, { file: includedBy?.file, key: includedBy?.key });
    }
    if (chain.length > 0 && !this.ctx.includeChains.has(ref.path)) {
      // the first file of the chain in full: it is the one the user knows
      this.ctx.includeChains.set(ref.path, [chain[0] ?? '', ...[...chain.slice(1), label].map((l) => this.display(l))]);
    }
    this.checkLimits(chain, includedBy);
    const entries = await readConfigFile(ref, formatOf(ref, format), this.ctx.host, included);
    const before: RawEntry[] = [];
    const own: RawEntry[] = [];
    for (const entry of entries) {
      const result = await this.entry(entry, path.dirname(ref.path), ref.path, [...chain, label]);
      before.push(...result.before);
      own.push(...result.own);
    }
    return [...before, ...own];
  }

  /** An option is kept as is; an include is replaced by the included entries. */
  async entry(entry: RawEntry, baseDir: string, current: string | undefined, chain: readonly string[]): Promise<{ before: RawEntry[]; own: RawEntry[] }> {
    if (!isIncludeKey(entry.key)) {
      this.seen.push(entry);
      return { before: [], own: [entry] };
    }
    if (entry.value === true || entry.value === '') {
      throw new UwError('UW_CONFIG_INVALID_VALUE', `option "${entry.key}": expected a file name`, { file: entry.file, key: entry.key });
    }
    const text = this.ctx.expandInclude(entry.value, entry, this.seen);
    const ref = withContext(() => parseFileRef(text, baseDir, current), entry);
    const entries = await this.read(ref, INCLUDES[entry.key], chain, entry, current !== undefined);
    // from the command line there is no "own file" to go after: inherit applies in place
    return entry.key === 'inherit' && current !== undefined ? { before: entries, own: [] } : { before: [], own: entries };
  }

  private checkLimits(chain: readonly string[], includedBy: RawEntry | undefined): void {
    const where = { file: includedBy?.file, key: includedBy?.key };
    if (chain.length >= MAX_INCLUDE_DEPTH) {
      throw new UwError('UW_CONFIG_INCLUDE_CYCLE', `includes nested more than ${MAX_INCLUDE_DEPTH} files deep`, where);
    }
    if (++this.filesRead > MAX_FILES_READ) {
      throw new UwError('UW_CONFIG_INCLUDE_CYCLE', `includes read more than ${MAX_FILES_READ} files`, where);
    }
  }

  private display(label: string): string {
    const relative = path.relative(this.ctx.cwd, label);
    return relative.startsWith('..') ? label : relative;
  }
}

function withContext<T>(fn: () => T, entry: RawEntry): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof UwError && err.file === undefined) throw new UwError(err.code, err.message, { file: entry.file, key: entry.key });
    throw err;
  }
}
