// The statistics document of one master, in uWSGI's stats-server layout
// (core/master_utils.c, uwsgi_master_generate_stats) so that tools written for
// uWSGI (uwsgitop, uwsgi_exporter) read it unchanged. uWSGI's units: bytes,
// microseconds, epoch seconds. Fields uWSGI does not have carry names it does
// not use (`vassal`, `generation`, ...). Served by the master's stats server,
// sent to the emperor (master-stats), and the source of the SIGUSR1 lines.

/** One listening socket, with its accept queue as the kernel reports it. */
export interface SocketStatsDocument {
  /** as configured, e.g. "127.0.0.1:8080" or "/run/app.sock" */
  readonly name: string;
  /** uWSGI's protocol name: "http" for http-socket, "uwsgi" for socket (uwsgi-socket), "raw" for raw-socket */
  readonly proto: string;
  /** connections waiting to be accepted now */
  readonly queue: number;
  /** the accept queue's limit (the listen backlog the kernel applies) */
  readonly max_queue: number;
  readonly shared: 0;
  readonly can_offload: 0;
}

/** One core of a worker (uWSGI's threads/async cores; a Node worker has one). */
export interface CoreStatsDocument {
  readonly id: number;
  readonly requests: number;
  readonly static_requests: 0;
  readonly routed_requests: 0;
  readonly offloaded_requests: 0;
  readonly write_errors: number;
  readonly read_errors: number;
  /** 1 while a request is being served */
  readonly in_request: 0 | 1;
  readonly vars: readonly string[];
  readonly req_info: Readonly<Record<string, unknown>>;
}

/** uWSGI's worker status words. */
export type WorkerStatusWord = 'idle' | 'busy' | 'pause' | 'cheap';

/** One worker slot. Exec workers carry only what the master can see (counted: false, counters 0). */
export interface WorkerStatsDocument {
  /** the slot, 1..processes */
  readonly id: number;
  /** 0 while the slot has no process (backing off: status "cheap") */
  readonly pid: number;
  readonly accepting: 0 | 1;
  readonly requests: number;
  /** requests since the master's previous collection */
  readonly delta_requests: number;
  readonly exceptions: number;
  readonly harakiri_count: number;
  readonly signals: 0;
  readonly signal_queue: 0;
  readonly status: WorkerStatusWord;
  /** bytes */
  readonly rss: number;
  readonly vsz: number;
  /** microseconds spent serving requests */
  readonly running_time: number;
  /** epoch seconds */
  readonly last_spawn: number;
  readonly respawn_count: number;
  /** bytes sent */
  readonly tx: number;
  /** running average response time, microseconds */
  readonly avg_rt: number;
  readonly apps: readonly unknown[];
  readonly cores: readonly CoreStatsDocument[];
  // ours
  readonly generation: number;
  /** the worker's lifecycle state: starting, ready, draining, ... */
  readonly state: string;
  /** uwsgi: a worker of a uWSGI master run by the emperor (its stats server's document, translated) */
  readonly kind: 'module' | 'script' | 'exec' | 'uwsgi';
  /** false for exec workers: requests, exceptions, tx, avg_rt and running_time are not known */
  readonly counted: boolean;
  /** requests being answered now */
  readonly in_flight: number;
  /** the oldest request in flight ("GET /slow") and since when (epoch ms) */
  readonly current_request?: { readonly request: string; readonly since_ms: number };
}

/** A master's whole document. */
export interface MasterStatsDocument {
  /** uwemperor's version */
  readonly version: string;
  /** connections waiting in every socket's accept queue, summed */
  readonly listen_queue: number;
  readonly listen_queue_errors: number;
  readonly signal_queue: 0;
  /** requests in flight over every worker */
  readonly load: number;
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
  readonly cwd: string;
  readonly locks: readonly unknown[];
  readonly sockets: readonly SocketStatsDocument[];
  readonly workers: readonly WorkerStatsDocument[];
  // ours
  readonly vassal: string;
  readonly generation: number;
  readonly paused: boolean;
  /** the master process's own RSS, bytes */
  readonly master_rss: number;
  /** every request any worker of this master served since it started, retired workers included: monotonic */
  readonly total_requests: number;
  readonly total_exceptions: number;
  /** epoch seconds the master started */
  readonly started: number;
  /** the master's log file (logto, logto2, vassal-logto-dir); absent when it logs to the emperor's stdout */
  readonly log_file?: string;
}
