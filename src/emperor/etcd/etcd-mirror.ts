// The cache side of an etcd source: what etcd holds below the prefix, as
// plain files the masters read. Every put of a key seen by the watch writes
// its file again (a new inode: the emperor reloads the vassal, as `touch`
// does), a delete removes it (the vassal stops). A listing (the first one, or
// a resync after etcd compacted past the watch) writes only what changed, so
// a vassal that kept running while etcd was away is not reloaded for nothing.
// Callers run one operation at a time.
import type { Logger } from '../../log/logger.js';
import { describeError, UwError } from '../../errors.js';
import { sectionOfFile } from '../file-section.js';
import { MAX_DIGEST_BYTES } from '../fingerprint.js';
import { ATTRIBUTES_SECTION, parseVassalAttributes } from '../vassal-attributes.js';
import type { CacheDir } from './cache-dir.js';
import type { EtcdEntry } from './client.js';
import { meaningOf, vassalDirs, type KeyMeaning } from './key-layout.js';
import type { Placement } from './placement.js';

/** What the mirror needs; `look` tells the emperor a cache file changed. */
export interface EtcdMirrorDeps {
  readonly prefix: string;
  readonly hostId: string;
  readonly cache: CacheDir;
  readonly placement: Placement;
  readonly logger: Logger;
  readonly look: (path: string) => void;
}

type FileMeaning = Extract<KeyMeaning, { kind: 'vassal' | 'include' }>;

interface Held {
  readonly key: string;
  readonly modRevision: number;
  readonly value: Buffer;
  readonly meaning: FileMeaning;
  /** the cache file holds this value */
  written: boolean;
  /** the revision whose refusal was logged */
  refusedAt?: number;
}

/** Keys below one prefix, mirrored into one cache directory. */
export class EtcdMirror {
  private readonly held = new Map<string, Held>();
  /** keys with an unusable name, by the revision last logged */
  private readonly badKeys = new Map<string, number>();

  constructor(private readonly deps: EtcdMirrorDeps) {}

  /** A put; `counted`: seen by the watch (always rewritten), else from a listing (written when it changed). */
  async put(entry: EtcdEntry, counted: boolean): Promise<void> {
    const meaning = meaningOf(this.deps.prefix, this.deps.hostId, entry.key);
    if (meaning.kind === 'other') return;
    if (meaning.kind === 'bad') return this.refuseName(entry, meaning.reason);
    const before = this.held.get(meaning.path);
    if (!counted && before?.modRevision === entry.modRevision) return;
    const held: Held = { key: entry.key, modRevision: entry.modRevision, value: entry.value, meaning, written: before?.written ?? false };
    this.held.set(meaning.path, held);
    await this.settle(held, counted || before !== undefined);
  }

  /** A delete: the file goes, and with it the vassal. */
  async delete(key: string): Promise<void> {
    this.badKeys.delete(key);
    const meaning = meaningOf(this.deps.prefix, this.deps.hostId, key);
    if (meaning.kind !== 'vassal' && meaning.kind !== 'include') return;
    const held = this.held.get(meaning.path);
    this.held.delete(meaning.path);
    if (held !== undefined) await this.unwrite(held);
  }

  /** A full listing: apply what changed, drop what is gone, and sweep cache files nobody holds. */
  async replaceAll(entries: readonly EtcdEntry[]): Promise<void> {
    const listed = new Set(entries.map((entry) => entry.key));
    for (const entry of entries) await this.put(entry, false);
    for (const held of [...this.held.values()]) if (!listed.has(held.key)) await this.delete(held.key);
    for (const key of [...this.badKeys.keys()]) if (!listed.has(key)) this.badKeys.delete(key);
    for (const dir of [...vassalDirs(this.deps.hostId), 'include']) {
      for (const name of await this.deps.cache.files(dir)) {
        const path = `${dir}/${name}`;
        if (this.held.get(path)?.written !== true) await this.removeFile(path, true);
      }
    }
  }

  /** Placement moved: ask again for every vassal that is not pinned. */
  async reevaluate(): Promise<void> {
    for (const held of [...this.held.values()]) if (held.meaning.kind === 'vassal' && !held.meaning.pinned) await this.settle(held, false);
  }

  /** Write, remove or refuse one held value; `force`: write even when the file already holds it. */
  private async settle(held: Held, force: boolean): Promise<void> {
    const verdict = await this.verdict(held);
    if (verdict instanceof UwError) {
      if (held.refusedAt !== held.modRevision) this.deps.logger.error({ vassal: held.meaning.path, key: held.key, code: verdict.code, error: describeError(verdict) }, 'vassal refused');
      held.refusedAt = held.modRevision;
      return this.unwrite(held);
    }
    if (!verdict) return this.unwrite(held);
    const { cache } = this.deps;
    if (!force && (held.written || (await cache.read(held.meaning.path))?.equals(held.value) === true)) {
      held.written = true;
      return;
    }
    await cache.write(held.meaning.path, held.value);
    held.written = true;
    this.deps.look(cache.pathOf(held.meaning.path));
  }

  /** true: this emperor runs it (or it is an include, or its [emperor] section is bad); false: another one does; an error: unusable. */
  private async verdict(held: Held): Promise<boolean | UwError> {
    const { meaning, value, key } = held;
    if (value.length > MAX_DIGEST_BYTES) return new UwError('UW_ETCD_VALUE', `a value of ${value.length} bytes, over the ${MAX_DIGEST_BYTES} a vassal file may have`, { file: key });
    if (meaning.kind === 'include') return true;
    try {
      const attrs = parseVassalAttributes((await sectionOfFile(value.toString('utf8'), key, ATTRIBUTES_SECTION)) ?? []);
      return meaning.pinned || this.deps.placement.isMine(meaning.name, attrs);
    } catch {
      // placement unreadable: every member writes it, and its own start shows it broken with the config error
      return true;
    }
  }

  private async unwrite(held: Held): Promise<void> {
    const was = held.written;
    held.written = false;
    await this.removeFile(held.meaning.path, was);
  }

  private async removeFile(path: string, tell: boolean): Promise<void> {
    await this.deps.cache.remove(path);
    if (tell) this.deps.look(this.deps.cache.pathOf(path));
  }

  private refuseName(entry: EtcdEntry, reason: string): void {
    if (this.badKeys.get(entry.key) === entry.modRevision) return;
    this.badKeys.set(entry.key, entry.modRevision);
    const error = describeError(new UwError('UW_ETCD_VALUE', reason, { file: entry.key }));
    this.deps.logger.error({ key: entry.key, code: 'UW_ETCD_VALUE', error }, 'vassal refused');
  }
}
