// One `key = value` as read from a file or the command line, before expansion
// and typing. `file` travels with it so every later error can name its origin.

export interface RawEntry {
  readonly key: string;
  /** true for a bare key: `vacuum` alone in ini, `vacuum:` in YAML, `--vacuum` */
  readonly value: string | true;
  /** absolute path of the file that set it, or the origin of a command-line option */
  readonly file: string;
}
