// Argument lists between PM2 and uw: PM2 splits a string of `args` or
// `node_args` with its own pattern (quotes stripped, no escapes), and uw reads
// script-args, node-args and exec as a shell would. Each word is written back
// bare when it is plainly safe, single-quoted otherwise, so uw gets the very
// words PM2 would have passed.

/** PM2's split of an args string (lib/tools/Config.js): `a="b c"` and quoted words stay whole, quotes dropped. */
const PM2_WORD = /[^\s"'=]+="[^"]*"|[^\s"'=]+='[^']*'|"([^"]*)"|'([^']*)'|\S+/g;

/** The words PM2 passes for `value`: an array as is (numbers as text), a string split its way; undefined for anything else. */
export function pm2Words(value: unknown): string[] | undefined {
  if (Array.isArray(value)) {
    return value.every((word) => typeof word === 'string' || typeof word === 'number') ? value.map(String) : undefined;
  }
  if (typeof value === 'number') return [String(value)];
  if (typeof value !== 'string') return undefined;
  return (value.match(PM2_WORD) ?? [])
    .map((word) => (word.length >= 2 && (word[0] === '"' || word[0] === "'") && word.at(-1) === word[0] ? word.slice(1, -1) : word))
    .filter((word) => word.trim() !== '');
}

/** Characters no shell (nor shell-quote) reads specially. */
const SAFE_WORD = /^[\w@%+=:,./-]+$/;

/** One word for sh: bare when safe, else in single quotes ('\'' for a quote). */
export function shellWord(word: string): string {
  return SAFE_WORD.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Words joined into one command line sh splits back into the same words. */
export function shellLine(words: readonly string[]): string {
  return words.map(shellWord).join(' ');
}
