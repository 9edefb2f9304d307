// The shape of a master's statistics document (stats/master-document.ts) as the
// emperor accepts it from a master: in tyrant mode the master runs as an app's
// user and may send anything. Numbers are finite and within bounds, strings and
// lists are bounded, fields the emperor never reads (uWSGI's always-empty
// `locks`, `apps`, `vars`, `req_info`) are replaced by empty ones.
import { amount, flag, ignored, listOf, oneOf, optional, record, text, type Shape } from './shape.js';

/** Two generations of the most workers a vassal can have (1024), during a reload, and room to spare. */
const MAX_WORKERS = 4096;
const MAX_SOCKETS = 256;
/** a path (PATH_MAX) or an address */
const MAX_PATH = 4096;
const MAX_NAME = 256;

const empty = ignored((): unknown[] => []);
const bit = oneOf(0, 1);

const core = record({
  id: amount,
  requests: amount,
  static_requests: oneOf(0),
  routed_requests: oneOf(0),
  offloaded_requests: oneOf(0),
  write_errors: amount,
  read_errors: amount,
  in_request: bit,
  vars: empty,
  req_info: ignored(() => ({})),
});

const worker = record({
  id: amount,
  pid: amount,
  accepting: bit,
  requests: amount,
  delta_requests: amount,
  exceptions: amount,
  harakiri_count: amount,
  signals: oneOf(0),
  signal_queue: oneOf(0),
  status: oneOf('idle', 'busy', 'pause', 'cheap'),
  rss: amount,
  vsz: amount,
  running_time: amount,
  last_spawn: amount,
  respawn_count: amount,
  tx: amount,
  avg_rt: amount,
  apps: empty,
  cores: listOf(core, 64),
  generation: amount,
  state: text(MAX_NAME),
  kind: oneOf('module', 'script', 'exec'),
  counted: flag,
  in_flight: amount,
  current_request: optional(record({ request: text(MAX_NAME), since_ms: amount })),
});

const socket = record({
  name: text(MAX_PATH),
  proto: text(MAX_NAME),
  queue: amount,
  max_queue: amount,
  shared: oneOf(0),
  can_offload: oneOf(0),
});

/** A master's statistics document, checked and copied. */
export const masterStatsShape: Shape<Record<string, unknown>> = record({
  version: text(MAX_NAME),
  listen_queue: amount,
  listen_queue_errors: amount,
  signal_queue: oneOf(0),
  load: amount,
  pid: amount,
  uid: amount,
  gid: amount,
  cwd: text(MAX_PATH),
  locks: empty,
  sockets: listOf(socket, MAX_SOCKETS),
  workers: listOf(worker, MAX_WORKERS),
  vassal: text(MAX_PATH),
  generation: amount,
  paused: flag,
  master_rss: amount,
  total_requests: amount,
  total_exceptions: amount,
  started: amount,
  log_file: optional(text(MAX_PATH)),
});
