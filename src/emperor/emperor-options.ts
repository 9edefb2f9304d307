// The catalogue of the emperor's own options: the same names on the command
// line (`--reload-mercy 10`) and in the [emperor] section of --config.

/** How a value is converted: paths resolve, seconds become ms, assignments are key=value, a word is one of a few names, a bool is true or false, a glob-binary is GLOB:PROGRAM. */
export type EmperorOptionKind = 'path' | 'seconds' | 'int' | 'assignment' | 'address' | 'word' | 'bool' | 'glob-binary';

/** One row of the catalogue. */
export interface EmperorOptionSpec {
  readonly kind: EmperorOptionKind;
  /** repeated options accumulate instead of the last one winning */
  readonly list?: true;
  readonly doc: string;
}

/** Every emperor option; --help is built from it, and a test checks config/emperor.ini against it. */
export const EMPEROR_OPTIONS = {
  emperor: { kind: 'path', list: true, doc: 'a directory, glob or file of vassal configs to watch, or etcd://HOST:2379[,HOST:2379...]/PREFIX (repeatable; also the positional arguments)' },
  pidfile: { kind: 'path', doc: 'write the emperor PID here at start, remove it at exit' },
  'reload-mercy': { kind: 'seconds', doc: 'seconds a stopping master may take before SIGKILL, never less than its own reload-mercy + 5 (default 65)' },
  'vassals-inherit': { kind: 'path', list: true, doc: 'a base config under every vassal (repeatable)' },
  'vassal-set': { kind: 'assignment', list: true, doc: 'key=value set on every vassal, as --key=value to its master (repeatable)' },
  'start-concurrency': { kind: 'int', doc: 'masters starting at the same time; the rest wait their turn (default 4)' },
  'rescan-interval': { kind: 'seconds', doc: 'seconds between full rescans, which catch missed events; 0 turns them off (default 10)' },
  'settle-ms': { kind: 'int', doc: 'quiet time in ms before a changed file is acted on; a change is seen after about twice this (default 25)' },
  'emperor-broodlord': { kind: 'int', doc: 'broodlord: zerg instances (from the vassal file\'s [zerg] section) started per vassal on its SOS, at most (default 0: off)' },
  'master-bin': { kind: 'path', doc: 'the master entry script to run per vassal (default: the bundled uw)' },
  'emperor-wrapper': { kind: 'path', doc: 'run every vassal without a binary of its own with this program (e.g. /usr/bin/uwsgi), spoken to with uWSGI\'s emperor protocol' },
  'vassal-binary': { kind: 'glob-binary', list: true, doc: 'GLOB:PROGRAM: run the vassal files matching GLOB with PROGRAM (repeatable, the first match wins; a file\'s own [emperor] binary wins over it)' },
  'emperor-graceful-shutdown': { kind: 'bool', doc: 'stop masters run with another binary with uWSGI\'s graceful byte 2, requests in flight finish (default true; false: byte 0, uWSGI\'s default)' },
  stats: { kind: 'address', doc: 'serve the emperor statistics (JSON, HTTP / and /metrics) on host:port, :port (loopback) or a socket path' },
  control: { kind: 'path', doc: 'the control socket (0600), read by uwemperor ls|stats|top (default /run/uwemperor.sock as root, else $XDG_RUNTIME_DIR/uwemperor.sock)' },
  logto: { kind: 'path', doc: 'write the emperor\'s lines to this file (0640, never through a symlink), and those of every vassal without a log of its own' },
  'vassal-logto-dir': { kind: 'path', doc: 'each vassal\'s master writes to DIR/<vassal>.log unless the vassal sets logto' },
  tyrant: { kind: 'bool', doc: 'true: each vassal\'s master runs as the owner uid and gid of its file, with the owner\'s groups (default false; the emperor must be root)' },
  'tyrant-allow-root': { kind: 'bool', doc: 'tyrant: also start vassal files owned by root (uid or gid 0), as root (default false: refused)' },
  'log-format': { kind: 'word', doc: 'json or text (default: text on a terminal without logto, else json); masters without log-format follow it' },
  'host-id': { kind: 'word', doc: 'this emperor\'s name in an etcd cluster: PREFIX/hosts/HOST-ID/vassals/ are its own vassals (default: the hostname)' },
  'etcd-ca': { kind: 'path', doc: 'etcd over TLS: the CA certificate (PEM) the etcd servers are checked against' },
  'etcd-cert': { kind: 'path', doc: 'etcd over TLS: this emperor\'s client certificate (PEM), with --etcd-key' },
  'etcd-key': { kind: 'path', doc: 'etcd over TLS: the private key (PEM) of --etcd-cert' },
  'etcd-user': { kind: 'word', doc: 'etcd user name; the password comes from --etcd-password-file or UWEMPEROR_ETCD_PASSWORD, never argv' },
  'etcd-password-file': { kind: 'path', doc: 'a file holding the password of --etcd-user (its first line)' },
  'etcd-cache': { kind: 'path', doc: 'where etcd vassals are written for their masters (0700; default /run/uwemperor/etcd as root, else $XDG_RUNTIME_DIR/uwemperor-etcd)' },
  'etcd-ttl': { kind: 'seconds', doc: 'the lease of this emperor\'s member and status keys in an etcd cluster: a host that stops renewing it is gone after this long, and its vassals move (whole seconds, 2 to 3600; default 10)' },
  'host-labels': { kind: 'word', doc: 'this emperor\'s labels in an etcd cluster, comma-separated: a vassal with `labels` runs only on hosts that carry them all' },
} as const satisfies Record<string, EmperorOptionSpec>;

/** A known option name. */
export type EmperorOptionName = keyof typeof EMPEROR_OPTIONS;

/** The names, for "did you mean" suggestions. */
export const EMPEROR_OPTION_NAMES = Object.keys(EMPEROR_OPTIONS) as readonly EmperorOptionName[];

/** True for a name in the catalogue. */
export function isEmperorOption(name: string): name is EmperorOptionName {
  return Object.hasOwn(EMPEROR_OPTIONS, name);
}

/** One option as written somewhere: where it came from matters for the error message. */
export interface RawEmperorOption {
  readonly name: EmperorOptionName;
  readonly value: string;
  /** the config file it came from, undefined for the command line */
  readonly file: string | undefined;
  /** relative paths are resolved against this: the config file's directory, or the cwd */
  readonly base: string;
}
