// One catalogue of error codes, documented in the README ("Errors"); a test
// keeps the two in step. Each error renders as one line naming the file, the
// key, what was expected and what was found.

export const ERROR_CODES = {
  UW_CONFIG_UNREADABLE: 'the config file cannot be read (or is not a regular file, or is over 1 MiB)',
  UW_CONFIG_SYNTAX: 'the config file is not valid ini, YAML or JSON',
  UW_CONFIG_FORMAT: 'unknown config extension, or a missing [uwsgi] section / uwsgi: key',
  UW_CONFIG_UNKNOWN_OPTION: 'an option name that does not exist (the nearest known one is suggested)',
  UW_CONFIG_UNSUPPORTED_OPTION: 'a uWSGI option that uw does not implement',
  UW_CONFIG_INVALID_VALUE: 'an option value of the wrong type or out of range',
  UW_CONFIG_MISSING: 'a required option is absent (module or exec)',
  UW_CONFIG_CONFLICT: 'options that cannot be used together',
  UW_CONFIG_INCLUDE_CYCLE: 'ini/inherit includes that loop back, nest over 64 deep or read over 256 files',
  UW_CONFIG_PLACEHOLDER: 'a %(name) placeholder or $(ENV) with no value',
  UW_APP_NOT_FOUND: 'the module file or exec program does not exist',
  UW_CONFIG_PERMISSION: "the workers' user (uid) cannot read the module, enter chdir or execute the exec program",
  UW_CONFIG_PRIVILEGE: "tyrant mode: the master runs as the vassal file's owner, and the config needs more (uid or gid of another user, a port below 1024)",
  UW_VASSAL_BINARY: 'the program a vassal is run with (its [emperor] binary, vassal-binary, emperor-wrapper) is not an executable file',
  UW_TYRANT_REFUSED: 'tyrant mode: a vassal file owned by root (uid or gid 0) is not started without tyrant-allow-root',
  UW_SOCKET_IN_USE: 'a socket address is already in use',
  UW_SOCKET_BIND: 'a socket cannot be bound (permissions, bad path)',
  UW_PIDFILE: 'a pidfile cannot be read or written',
  UW_PIDFILE_LOCKED: 'another running process holds the pidfile',
  UW_PATH_NOT_OURS: 'a socket, pidfile or master FIFO path holds something uw did not create (a symlink, a file, one owned by another user), left alone',
  UW_MASTER_FIFO: 'the master FIFO cannot be created (a missing directory, permissions)',
  UW_ZERG_ATTACH: 'a zerg cannot reach its zerg server or take its sockets (and has no zerg-fallback)',
  UW_ZERG_UNAVAILABLE: 'descriptor passing is not available here (python3 for zerg-server, Node internals for zerg)',
  UW_USAGE: 'bad command-line usage',
  UW_ETCD_VALUE: 'an etcd key under PREFIX/vassals (or hosts/HOST-ID/vassals, include) holds no usable file: a bad name, over 1 MiB, or a bad [emperor] section; refused, the key named',
  UW_ETCD_UNREACHABLE: 'no etcd member of a target answers: running vassals keep running, the emperor retries (logged once per outage)',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * The errors that are not in the file itself (a port an old master still holds,
 * an address not configured yet at boot, a pidfile that cannot be written or is
 * held): the emperor retries them with its back-off. Every other code is a
 * config error, and the vassal stays broken until its file changes.
 */
export const TRANSIENT_ERROR_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['UW_SOCKET_IN_USE', 'UW_SOCKET_BIND', 'UW_PIDFILE', 'UW_PIDFILE_LOCKED', 'UW_PATH_NOT_OURS', 'UW_MASTER_FIFO']);

/** Exit code of a config or usage error: the emperor marks the vassal broken. */
export const CONFIG_ERROR_EXIT_CODE = 2;
/** Exit code of a transient error (EX_TEMPFAIL of sysexits.h): the emperor retries with back-off. */
export const TRANSIENT_ERROR_EXIT_CODE = 75;

/** The exit code for an error that ends a process: 2 config, 75 transient, 1 a bug. */
export function exitCodeFor(err: unknown): number {
  if (!(err instanceof UwError)) return 1;
  return TRANSIENT_ERROR_CODES.has(err.code) ? TRANSIENT_ERROR_EXIT_CODE : CONFIG_ERROR_EXIT_CODE;
}

/** An error the user can fix; `message` is the whole one-line explanation. */
export class UwError extends Error {
  readonly code: ErrorCode;
  readonly file: string | undefined;
  readonly key: string | undefined;
  /** for a file reached through includes: the files from the vassal's own to `file` */
  readonly includes: readonly string[] | undefined;

  constructor(code: ErrorCode, message: string, context: { file?: string | undefined; key?: string | undefined; includes?: readonly string[] | undefined } = {}) {
    super(oneLine(message));
    this.name = 'UwError';
    this.code = code;
    this.file = context.file;
    this.key = context.key;
    this.includes = context.includes;
  }
}

/** `config error in app.ini: ...` for a config problem, the bare message otherwise. */
export function describeError(err: unknown): string {
  if (err instanceof UwError) {
    const file = oneLine(err.includes === undefined ? (err.file ?? '') : err.includes.join(' -> '));
    const where = file ? `${err.code.startsWith('UW_CONFIG') || err.code === 'UW_APP_NOT_FOUND' ? 'config error in ' : ''}${file}: ` : '';
    return `${where}${err.message} [${err.code}]`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** A path or value may hold a newline (a YAML block scalar): escape control characters so an error stays one line. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
