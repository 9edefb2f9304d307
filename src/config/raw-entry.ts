// One `key = value` as read from a file or the command line, before expansion
// and typing. `file` travels with it so every later error can name its origin.

export interface RawEntry {
  readonly key: string;
  /** true for a bare key: `vacuum` alone in ini, `vacuum:` in YAML, `--vacuum` */
  readonly value: string | true;
  /** absolute path of the file that set it, or the origin of a command-line option */
  readonly file: string;
  /** where in the file, e.g. "line 4" or "entry 2 of \"uwsgi\"", for errors that may not quote it */
  readonly position?: string;
  /**
   * Read from a file that an include named: it may not be a config file at all
   * (`json = /etc/shadow`), so errors give its position, never its text.
   */
  readonly included?: true;
  /**
   * As written, when the expanded value holds text from an included file or
   * the environment: errors quote this instead of the value.
   */
  readonly written?: string;
}

/** How an entry (or a Setting made from one) may be quoted. */
export interface Quotable {
  readonly position?: string | undefined;
  readonly included?: true | undefined;
  readonly written?: string | undefined;
}

/** What an error may say about `text` (a key or value of `entry`): the text itself, or only where it is. */
export function shown(entry: Quotable, text: string, kind = 'value'): string {
  if (entry.included) return `<${kind} at ${entry.position ?? 'an unknown place'}, not shown>`;
  if (entry.written !== undefined && kind === 'value') return `${JSON.stringify(entry.written)} once expanded`;
  return JSON.stringify(text);
}
