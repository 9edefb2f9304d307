// The catalogue of vassal options: one row per option, uWSGI's name where the
// meaning is the same. The schema validates against it, argv parsing uses it to
// know which flags take no value, and a test keeps the README's table in step.

export type OptionKind =
  | 'string'
  | 'path'
  | 'int'
  | 'bool'
  | 'seconds'
  | 'signal'
  | 'mode'
  | 'address'
  | 'user'
  | 'group';

export interface OptionSpec {
  readonly kind: OptionKind;
  /** repeated keys accumulate instead of the last one winning */
  readonly list?: true;
  /** the canonical name this one is an alias of */
  readonly alias?: string;
  /** value taken by a bare key (`vacuum` alone, `--vacuum`) */
  readonly bare?: string;
  readonly doc: string;
}

export const OPTIONS = {
  'http-socket': { kind: 'address', list: true, doc: 'serve HTTP on host:port, :port (loopback) or a UNIX socket path' },
  socket: { kind: 'address', list: true, doc: 'serve the uwsgi protocol (nginx `uwsgi_pass`) on host:port, :port (loopback) or a UNIX socket path, as uWSGI\'s socket; exec workers get it as is (LISTEN_FDS)' },
  'uwsgi-socket': { kind: 'address', list: true, alias: 'socket', doc: 'alias of socket' },
  'raw-socket': { kind: 'address', list: true, doc: 'a plain listening socket: a module worker passes its connections to the module\'s `connection` export; exec workers get it as is (LISTEN_FDS)' },
  'buffer-size': { kind: 'int', doc: 'largest uwsgi packet (request vars) accepted on socket, in bytes, 1 to 65535 (default 4096, as uWSGI); a larger one is closed and counted' },
  'socket-timeout': { kind: 'seconds', doc: 'a connection to a uwsgi socket must send its whole packet within this long, or it is closed (default 4, as uWSGI)' },
  processes: { kind: 'int', doc: 'number of workers, 1 to 1024 (default 1)' },
  workers: { kind: 'int', alias: 'processes', doc: 'alias of processes' },
  module: { kind: 'string', doc: 'Node handler module, `app.mjs` or `app.mjs:exportName`' },
  exec: { kind: 'string', doc: 'command line of a worker in any language; it inherits the sockets from fd 3' },
  script: { kind: 'string', doc: 'an unmodified Node server script (ESM or CommonJS): its listen() calls are served on the master\'s sockets' },
  'script-args': { kind: 'string', doc: 'arguments of the script, split as a shell would (quotes, no expansion)' },
  'node-args': { kind: 'string', doc: 'Node options for script workers, split as a shell would (--max-old-space-size=512, --enable-source-maps)' },
  'script-ready-after': { kind: 'seconds', doc: 'a script worker that has not listened on every socket after this long is ready anyway, with a warning (default: wait, up to ready-timeout)' },
  'exec-notify': { kind: 'bool', bare: 'true', doc: 'exec workers write READY=1 to $NOTIFY_FD (default true)' },
  'exec-ready-after': { kind: 'seconds', doc: 'with exec-notify off: ready after staying up this long (default 1)' },
  'exec-stop-signal': { kind: 'signal', doc: 'signal asking an exec worker to finish its requests and exit, on reload and stop (default SIGTERM)' },
  harakiri: { kind: 'seconds', doc: 'a request running longer than this gets its worker killed and replaced (Node workers; the request is cut, counted and logged)' },
  'harakiri-verbose': { kind: 'bool', bare: 'true', doc: 'with harakiri: the harakiri line also carries the stuck worker\'s last stderr lines' },
  'max-requests': { kind: 'int', doc: 'recycle a worker (gracefully: its replacement is ready first) after it served this many requests (Node workers)' },
  'max-requests-delta': { kind: 'int', doc: 'add (worker id - 1) x this to max-requests of each worker, so they do not all recycle at once' },
  'max-worker-lifetime': { kind: 'seconds', doc: 'recycle a worker gracefully after it ran this long' },
  'max-worker-lifetime-delta': { kind: 'seconds', doc: 'add (worker id - 1) x this to max-worker-lifetime of each worker' },
  'min-worker-lifetime': { kind: 'seconds', doc: 'no recycle by max-requests or reload-on-rss before a worker ran this long (default 10, as uWSGI)' },
  'worker-heartbeat': { kind: 'seconds', doc: 'a Node worker whose event loop does not answer the master for this long is killed and replaced (checked every second; exec workers are not checked)' },
  'reload-on-rss': { kind: 'int', doc: 'recycle a worker gracefully when its resident memory exceeds this many MB (checked every second, from /proc)' },
  'node-default-threads': { kind: 'bool', bare: 'true', doc: 'Node workers get Node\'s default thread pools (4 V8 platform threads) instead of 1 V8 platform thread (default false; libuv\'s pool is Node\'s in both, and a master the emperor starts runs one V8 platform and one libuv thread whatever this says)' },
  'ready-timeout': { kind: 'seconds', doc: 'a worker not ready after this long is killed and counts as failed (default 30)' },
  chdir: { kind: 'path', doc: 'directory the workers run in, and base of a relative module path' },
  env: { kind: 'string', list: true, doc: 'KEY=VALUE added to the workers\' environment' },
  uid: { kind: 'user', doc: 'user the workers run as, with its supplementary groups (only when started as root)' },
  gid: { kind: 'group', doc: 'group the workers run as (default: the uid\'s primary group; only when started as root)' },
  pidfile: { kind: 'path', doc: 'write the master PID here at start' },
  'safe-pidfile': { kind: 'path', doc: 'write the master PID here atomically once the workers are ready' },
  'touch-reload': { kind: 'path', list: true, doc: 'reload (as `reload-mode` says) when this file\'s mtime changes or it appears/disappears' },
  'touch-chain-reload': { kind: 'path', list: true, doc: 'chain reload (one worker at a time) when this file\'s mtime changes or it appears/disappears' },
  'reload-mode': { kind: 'string', doc: 'how SIGHUP, touch-reload and the emperor reload: graceful (a whole new generation at once, the default) or chain (one worker at a time)' },
  'die-on-term': { kind: 'bool', bare: 'true', doc: 'SIGTERM stops gracefully (default true, as uWSGI 2.1); false: a brutal reload, as uWSGI 2.0' },
  'reload-nice': { kind: 'int', doc: 'niceness added to a worker that a reload, chain step or recycle starts, until it is ready, so that its start takes CPU from the serving workers less (only when the master runs as root; default 10; 0 turns it off)' },
  'reload-warmup': { kind: 'int', doc: "a module worker that a reload, chain step or recycle starts first sends this many requests through Node's HTTP server over an in-memory connection, answered without the app, so that V8 has compiled the HTTP paths before the first clients reach it (default 100; 0 turns it off)" },
  'reload-boot-limit': { kind: 'int', doc: 'a graceful reload starts at most this many new workers at a time, the next as soon as one is ready, while the old ones serve, so that fewer boots compete with them for the CPU (default 0: all at once)' },
  'reload-mercy': { kind: 'seconds', doc: 'longest wait for workers to finish their requests on stop before SIGKILL (default 60)' },
  heartbeat: { kind: 'seconds', doc: 'tell the emperor every this many seconds that the master is alive; silent for 2x: reloaded (SIGHUP), 4x: killed and started again' },
  'worker-reload-mercy': { kind: 'seconds', doc: 'longest time an old worker may drain on reload before SIGKILL (default 60)' },
  'reload-overlap': { kind: 'seconds', doc: 'a graceful reload lets the old workers go on accepting new connections this long after every new worker is ready, so that the new ones take their first connections beside warm ones rather than all of them at once (default 0.3; 0: switch at once; at most a quarter of worker-reload-mercy)' },
  'reload-spread': { kind: 'seconds', doc: "a graceful reload's old workers keep each keep-alive connection until a random moment within this many seconds, then close it after its next response, so that clients reconnect to the new workers a few at a time (default 1; 0: every connection closes after its next response; at most a quarter of worker-reload-mercy)" },
  'chmod-socket': { kind: 'mode', bare: '666', doc: 'permissions of UNIX sockets (octal; bare means 666)' },
  vacuum: { kind: 'bool', bare: 'true', doc: 'remove UNIX sockets and pidfiles at exit' },
  listen: { kind: 'int', doc: 'listen backlog of the sockets, 1 to 65535 (default 511)' },
  'zerg-server': { kind: 'path', doc: 'UNIX socket handing this master\'s listening sockets to zergs (uWSGI\'s wire format; 0600 unless chmod-socket)' },
  zerg: { kind: 'path', doc: 'attach to the sockets of the zerg server at this path instead of binding, at start and on every reload' },
  'zerg-fallback': { kind: 'bool', bare: 'true', doc: 'with zerg: bind the configured sockets when the zerg server cannot be reached (default false)' },
  'vassal-sos': { kind: 'seconds', doc: 'ask the emperor for reinforcements (broodlord) when every worker has been busy this long; at most once per this period' },
  'vassal-sos-backlog': { kind: 'int', doc: 'ask the emperor for reinforcements when a listen queue holds this many connections or more; at most once a second' },
  idle: { kind: 'seconds', doc: 'with die-on-idle: a master whose workers got no request for this long exits 0; with cheap: its workers stop until the next connection' },
  'die-on-idle': { kind: 'bool', bare: 'true', doc: 'with idle: stop gracefully and exit 0 when idle' },
  cheap: { kind: 'bool', bare: 'true', doc: 'with idle: when idle, stop every worker but keep the sockets; the next connection starts them again (TCP sockets)' },
  cheaper: { kind: 'int', doc: 'cheaper mode: at least this many workers, up to processes, as the load needs (uWSGI\'s spare algorithm; Node workers)' },
  'cheaper-initial': { kind: 'int', doc: 'with cheaper: workers started at first (default: cheaper)' },
  'cheaper-step': { kind: 'int', doc: 'with cheaper: workers added at once when every worker is busy (default 1)' },
  'cheaper-overload': { kind: 'int', doc: 'with cheaper: seconds of every worker busy before adding, and of idleness before retiring one (default 3)' },
  'cheaper-algo': { kind: 'string', doc: 'with cheaper: the algorithm; only spare (the default) is built' },
  'master-fifo': { kind: 'path', list: true, doc: 'a FIFO whose every byte is a command (r reload, q stop, s stats...; see "Master FIFO"); repeatable: the first is active, 0-9 switch slot' },
  stats: { kind: 'address', doc: 'serve the master\'s statistics here (host:port, :port = loopback, or a UNIX path): JSON on connect, HTTP GET / and /metrics' },
  'stats-server': { kind: 'address', alias: 'stats', doc: 'alias of stats' },
  'stats-http': { kind: 'bool', bare: 'true', doc: 'accepted for uWSGI compatibility: a silent stats client gets HTTP headers with the JSON too' },
  'stats-chmod': { kind: 'mode', bare: '666', doc: 'permissions of a UNIX stats socket (octal; default 600; chmod-socket does not apply to it)' },
  logto: { kind: 'path', doc: 'write the master\'s lines and the workers\' output to this file (opened by the master, 0640, never through a symlink; relative to the vassal file)' },
  logto2: { kind: 'path', doc: 'as logto, but the file is opened as the workers\' user (uid/gid): that user must be able to write it' },
  'log-format': { kind: 'string', doc: '`json` (default: one pino record per line) or `text` (one human line per record)' },
  'log-maxsize': { kind: 'int', doc: 'with logto: rotate the file once it would grow past this many bytes (FILE.1, FILE.2, ...)' },
  'log-backups': { kind: 'int', doc: 'rotated files kept by log-maxsize, 1 to 1000 (default 1)' },
  'touch-logreopen': { kind: 'path', list: true, doc: 'reopen the log file when this file\'s mtime changes (for logrotate\'s postrotate)' },
  master: { kind: 'bool', bare: 'true', doc: 'accepted for uWSGI compatibility; the master is always on' },
  'privileged-binary-patch': { kind: 'path', doc: 'accepted for uWSGI compatibility: the program uWSGI executes instead of itself, before it binds anything; set to uw, a plain uWSGI Emperor runs this file with uw (see "uw under a uWSGI Emperor"); uw ignores it' },
  'unprivileged-binary-patch': { kind: 'path', doc: 'as privileged-binary-patch, executed after uWSGI dropped to uid/gid' },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

/** Keys that pull other files in rather than set an option. */
export const INCLUDE_KEYS = ['ini', 'yaml', 'yml', 'json', 'inherit'] as const;

/** Keys that declare placeholders, as in uWSGI: `set-placeholder = name=value`. */
export const PLACEHOLDER_KEYS = ['set-placeholder', 'set-ph'] as const;

export function isOptionName(key: string): key is OptionName {
  return Object.hasOwn(OPTIONS, key);
}
