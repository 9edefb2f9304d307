// Expand a value in one pass: %% (a literal %), %X magic variables, %(name)
// placeholders and $(NAME) environment variables. One pass means text that an
// expansion inserts is never expanded again, so `%%(x)` stays "%(x)".
import { UwError } from '../errors.js';
import type { MagicTable } from './magic.js';
import type { PlaceholderTable } from './placeholders.js';
import type { RawEntry } from './raw-entry.js';

export interface ExpandContext {
  readonly magic: MagicTable;
  readonly env: NodeJS.ProcessEnv;
  readonly placeholders: PlaceholderTable;
}

const TOKEN = /%%|%\(([^)]*)\)|%([A-Za-z])|\$\(([^)]*)\)/g;
/** deeper than any sane chain; loops are caught before this by name */
const MAX_DEPTH = 32;

/** The expanded text; `where` is the entry the text belongs to, for errors. */
export function expandValue(text: string, where: RawEntry, ctx: ExpandContext, chain: readonly string[] = []): string {
  return text.replace(TOKEN, (match, placeholder?: string, magic?: string, env?: string) => {
    if (match === '%%') return '%';
    if (magic !== undefined) return ctx.magic[magic] ?? match;
    if (env !== undefined) return envValue(env, where, ctx);
    return placeholderValue(placeholder ?? '', where, ctx, chain);
  });
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
  if (value === undefined) {
    throw new UwError('UW_CONFIG_PLACEHOLDER', `option "${where.key}": environment variable "${name}" is not set`, {
      file: where.file,
      key: where.key,
    });
  }
  return value;
}

function placeholderValue(name: string, where: RawEntry, ctx: ExpandContext, chain: readonly string[]): string {
  const context = { file: where.file, key: where.key };
  const found = ctx.placeholders.get(name);
  if (found === undefined) {
    throw new UwError('UW_CONFIG_PLACEHOLDER', `option "${where.key}": placeholder %(${name}) has no value`, context);
  }
  if (chain.includes(name) || chain.length >= MAX_DEPTH) {
    const path = [...chain, name].map((n) => `%(${n})`).join(' -> ');
    throw new UwError('UW_CONFIG_PLACEHOLDER', `placeholder loop: ${path}`, context);
  }
  return expandValue(found.value, found.entry, ctx, [...chain, name]);
}
