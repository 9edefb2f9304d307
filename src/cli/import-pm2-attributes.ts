// PM2's app attributes (lib/API/schema.json) as import-pm2 sees them: the
// aliases PM2 accepts, the ones it translates, and for every other one what uw
// does instead, said once here so the report and the README agree.

/** PM2's alternative spellings → the attribute they stand for. */
export const PM2_ALIASES: Readonly<Record<string, string>> = {
  exec: 'script',
  interpreter: 'exec_interpreter',
  interpreterArgs: 'node_args',
  interpreter_args: 'node_args',
  user: 'uid',
  out: 'out_file',
  output: 'out_file',
  out_log: 'out_file',
  error: 'error_file',
  err: 'error_file',
  err_file: 'error_file',
  err_log: 'error_file',
  log: 'log_file',
  combine_logs: 'merge_logs',
  cron: 'cron_restart',
  pid: 'pid_file',
};

/** Read by the translation itself (env_NAME too, by pattern). */
export const TRANSLATED = new Set([
  'name', 'script', 'cwd', 'args', 'exec_interpreter', 'node_args', 'instances', 'exec_mode', 'env', 'port',
  'kill_timeout', 'listen_timeout', 'uid', 'gid', 'max_memory_restart', 'wait_ready',
]);

/** What uw does instead of an attribute it does not translate; `silent` values mean what uw does anyway. */
interface Untranslated {
  readonly instead: string;
  readonly silent?: (value: unknown) => boolean;
}

const WATCH = 'uw reloads gracefully when a touch-reload file changes: add touch-reload = FILE and touch it after a deploy or from a watcher';
const LOGS = "uw writes a vassal's workers' output (stdout and stderr together) and its master's lines to one file: add logto = FILE, or start the emperor with --vassal-logto-dir DIR; without either they go to the master's (or emperor's) stdout and stderr";
const RESTARTS = 'uw respawns a worker that exits, waiting 0.1 s doubling up to 30 s while it keeps dying before it is ready';
const PM2_ONLY = 'PM2-specific, no equivalent in uw';
const isFalse = (value: unknown): boolean => value === false;
const isTrue = (value: unknown): boolean => value === true;
const always = (): boolean => true;

/** Every attribute reported as not translated, with what to do in uw instead. */
export const UNTRANSLATED: Readonly<Record<string, Untranslated>> = {
  watch: { instead: WATCH, silent: isFalse },
  ignore_watch: { instead: WATCH },
  watch_options: { instead: WATCH },
  watch_delay: { instead: WATCH },
  cron_restart: { instead: 'touch a touch-reload file from cron for a graceful reload', silent: (v) => v === 0 || v === '0' || v === false },
  out_file: { instead: LOGS },
  error_file: { instead: LOGS },
  log_file: { instead: LOGS },
  merge_logs: { instead: LOGS, silent: always },
  log_date_format: { instead: 'uw writes pino JSON lines with ISO times; worker output passes through as written' },
  log_type: { instead: 'uw writes pino JSON lines; worker output passes through as written' },
  time: { instead: 'uw writes pino JSON lines with their time; worker output passes through as written', silent: isFalse },
  disable_logs: { instead: LOGS, silent: isFalse },
  autorestart: { instead: 'uw always respawns a worker that exits; remove the vassal file to stop the app', silent: isTrue },
  max_restarts: { instead: RESTARTS },
  min_uptime: { instead: RESTARTS },
  restart_delay: { instead: RESTARTS },
  exp_backoff_restart_delay: { instead: RESTARTS },
  stop_exit_codes: { instead: RESTARTS },
  shutdown_with_message: { instead: 'uw asks a worker to stop with SIGTERM (exec-stop-signal for exec); a script worker drains its HTTP servers', silent: isFalse },
  pid_file: { instead: "pidfile and safe-pidfile hold the master's PID; uwemperor ls shows the workers" },
  instance_var: { instead: 'uw sets UW_WORKER_ID (1..N) in each worker; NODE_APP_INSTANCE is not set' },
  increment_var: { instead: 'uw sets UW_WORKER_ID (1..N) in each worker: derive the value from it' },
  namespace: { instead: "the emperor's directory is the group: no namespaces" },
  name_prefix: { instead: 'the vassal is named after its file' },
  autostart: { instead: 'the emperor starts every vassal file in its directory: keep the file elsewhere until it should run', silent: isTrue },
  source_map_support: { instead: 'add --enable-source-maps to node-args', silent: isFalse },
  disable_source_map_support: { instead: 'uw adds no source-map support unless node-args has --enable-source-maps', silent: isTrue },
  filter_env: { instead: "workers get the master's environment plus the env lines; start the emperor with a clean environment to filter", silent: isFalse },
  append_env_to_name: { instead: 'the vassal is named after its file', silent: isFalse },
  treekill: { instead: "uw stops each worker's own process, and kills what it left behind in its process group", silent: isTrue },
  force: { instead: PM2_ONLY, silent: always },
  vizion: { instead: PM2_ONLY, silent: always },
  pmx: { instead: PM2_ONLY, silent: always },
  automation: { instead: PM2_ONLY, silent: always },
  windowsHide: { instead: PM2_ONLY, silent: always },
  trace: { instead: 'uw serves statistics (stats = ADDRESS) but no tracing', silent: isFalse },
  disable_trace: { instead: PM2_ONLY, silent: isTrue },
  v8: { instead: PM2_ONLY, silent: isFalse },
  event_loop_inspector: { instead: PM2_ONLY, silent: isFalse },
  deep_monitoring: { instead: PM2_ONLY, silent: isFalse },
  io: { instead: PM2_ONLY },
  post_update: { instead: PM2_ONLY },
  install_url: { instead: PM2_ONLY },
  execute_command: { instead: PM2_ONLY },
  write: { instead: PM2_ONLY },
  kill_retry_time: { instead: PM2_ONLY },
  username: { instead: 'set uid for the user the workers run as' },
};

/** The attribute `key` stands for. */
export function canonicalAttribute(key: string): string {
  return PM2_ALIASES[key] ?? key;
}
