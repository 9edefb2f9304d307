// Expand a value in one pass: %% (a literal %), %X magic variables, %(name)
// placeholders and $(NAME) environment variables. One pass means text that an
// expansion inserts is never expanded again, so `%%(x)` stays "%(x)".
import { UwError } from '../errors.js';
import type { MagicTable } from './magic.js';
import type { PlaceholderTable } from './placeholders.js';
import { shown, type RawEntry } from './raw-entry.js';
import type { Inserter } from './shell-quote.js';

export interface ExpandContext {
  readonly magic: MagicTable;
  readonly env: NodeJS.ProcessEnv;
  readonly placeholders: PlaceholderTable;
  /** told of every placeholder's entry and environment variable an expansion uses */
  readonly used?: (from: RawEntry | 'env') => void;
}

const TOKEN = /%%|%\(([^)]*)\)|%([A-Za-z])|\$\(([^)]*)\)/g;
/** deeper than any sane chain; loops are caught before this by name */
const MAX_DEPTH = 32;
/** `a = %(b)%(b)`, `b = %(c)%(c)`, ... doubles at each level: stop long before memory does */
export const MAX_EXPANDED_CHARS = 64 * 1024;

/**
 * The expanded text; `where` is the entry the text belongs to, for errors.
 * `insert` may rewrite each inserted value (exec quotes it for the shell).
 */
export function expandValue(text: string, where: RawEntry, ctx: ExpandContext, chain: readonly string[] = [], insert?: Inserter): string {
  const expanded = text.replace(TOKEN, (match: string, placeholder: string | undefined, magic: string | undefined, env: string | undefined, offset: number) => {
    if (match === '%%') return '%';
    if (magic !== undefined && ctx.magic[magic] === undefined) return match;
    const value =
      magic !== undefined ? (ctx.magic[magic] ?? '') : env !== undefined ? envValue(env, where, ctx) : placeholderValue(placeholder ?? '', where, ctx, chain);
    return insert === undefined ? value : insert(value, offset);
  });
  if (expanded.length > MAX_EXPANDED_CHARS && expanded !== text) {
    throw new UwError('UW_CONFIG_PLACEHOLDER', `option ${shown(where, where.key, 'key')}: expands to more than ${MAX_EXPANDED_CHARS / 1024} KiB`, {
      file: where.file,
      key: where.included ? undefined : where.key,
    });
  }
  return expanded;
}

/** Names used as %(name) in `text` (not those escaped as %%(name)). */
export function referencedNames(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(TOKEN)) {
    if (match[1] !== undefined) names.push(match[1]);
  }
  return names;
}

function envValue(name: string, where: RawEntry, ctx: ExpandContext): string {
  const value = ctx.env[name];
  ctx.used?.('env');
  if (value === undefined) {
    throw new UwError('UW_CONFIG_PLACEHOLDER', `option ${shown(where, where.key, 'key')}: environment variable ${shown(where, name, 'name')} is not set`, {
      file: where.file,
      key: where.included ? undefined : where.key,
    });
  }
  return value;
}

function placeholderValue(name: string, where: RawEntry, ctx: ExpandContext, chain: readonly string[]): string {
  const context = { file: where.file, key: where.included ? undefined : where.key };
  const found = ctx.placeholders.get(name);
  if (found === undefined) {
    const placeholder = where.included ? shown(where, name, 'placeholder') : `%(${name})`;
    throw new UwError('UW_CONFIG_PLACEHOLDER', `option ${shown(where, where.key, 'key')}: placeholder ${placeholder} has no value`, context);
  }
  if (chain.includes(name) || chain.length >= MAX_DEPTH) {
    const path = where.included ? shown(where, name, 'loop') : [...chain, name].map((n) => `%(${n})`).join(' -> ');
    throw new UwError('UW_CONFIG_PLACEHOLDER', `placeholder loop: ${path}`, context);
  }
  ctx.used?.(found.entry);
  return expandValue(found.value, found.entry, ctx, [...chain, name]);
}
