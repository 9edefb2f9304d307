// The validated, frozen configuration of one vassal: what the master runs from.
// Built once by the schema from the raw option list; never mutated afterwards.

import type { LogSettings } from './log-options.js';

export type ListenAddress =
  | { readonly type: 'tcp'; readonly host: string; readonly port: number }
  | { readonly type: 'unix'; readonly path: string };

export interface SocketSpec {
  /** http: module workers serve HTTP on it; uwsgi: the uwsgi protocol (nginx uwsgi_pass); raw: connections to the module's `connection` export. Exec workers get each as is */
  readonly protocol: 'http' | 'uwsgi' | 'raw';
  readonly address: ListenAddress;
  /** the text the user wrote, e.g. "127.0.0.1:8080"; the identity across reloads */
  readonly spec: string;
}

export type AppSpec =
  | { readonly kind: 'module'; readonly path: string; readonly exportName: string }
  | {
      readonly kind: 'script';
      /** absolute */
      readonly path: string;
      readonly args: readonly string[];
      readonly nodeArgs: readonly string[];
      /** ready after this long even if the app has not listened on every socket; null: wait for it */
      readonly readyAfterMs: number | null;
    }
  | {
      readonly kind: 'exec';
      readonly command: string;
      readonly notify: boolean;
      readonly readyAfterMs: number;
      readonly stopSignal: NodeJS.Signals;
    };

/** Workers that run our Node code around the app (module and script): IPC channel, counters, lossless drain. */
export type NodeAppSpec = Extract<AppSpec, { kind: 'module' | 'script' }>;

/** True for module and script workers, which speak our IPC protocol. */
export function isNodeApp(app: AppSpec): app is NodeAppSpec {
  return app.kind !== 'exec';
}

/** When a worker is recycled (replaced gracefully) or killed (harakiri); all optional but min-lifetime. */
export interface WorkerPolicies {
  readonly harakiriMs?: number;
  readonly harakiriVerbose: boolean;
  readonly maxRequests?: number;
  readonly maxRequestsDelta: number;
  readonly maxLifetimeMs?: number;
  readonly maxLifetimeDeltaMs: number;
  /** no recycle by max-requests or reload-on-rss before this */
  readonly minLifetimeMs: number;
  readonly reloadOnRssBytes?: number;
  /** worker-heartbeat: a worker whose event loop stays blocked this long is killed */
  readonly workerHeartbeatMs?: number;
}

export interface VassalConfig {
  /** absolute path of the config file, or '' when everything came from argv */
  readonly file: string;
  /** short name for logs and process titles: the file name, or "uw" */
  readonly name: string;
  readonly sockets: readonly SocketSpec[];
  /** uwsgi sockets: largest packet accepted (buffer-size), and how long one may take to arrive (socket-timeout) */
  readonly uwsgi: { readonly bufferSize: number; readonly packetTimeoutMs: number };
  readonly processes: number;
  readonly app: AppSpec;
  /** absolute; defaults to the master's working directory */
  readonly chdir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly uid?: number;
  /** with uid alone, the user's primary group */
  readonly gid?: number;
  /** with uid: the user has a passwd entry, so workers get its supplementary groups (else none) */
  readonly initGroups?: true;
  readonly pidfile?: string;
  readonly safePidfile?: string;
  readonly touchReload: readonly string[];
  /** files whose touch asks for a chain reload */
  readonly touchChainReload: readonly string[];
  /** how SIGHUP, touch-reload and the emperor reload */
  readonly reloadMode: 'graceful' | 'chain';
  readonly dieOnTerm: boolean;
  /** niceness added to a worker started while others serve, until it is ready */
  readonly reloadNice: number;
  /** a graceful reload boots this many new workers at a time (0: all at once) */
  readonly reloadBootLimit: number;
  /** requests a Node worker started beside serving ones sends through Node's HTTP server first (0: none) */
  readonly reloadWarmup: number;
  /** Node workers with Node's own thread pools (else one V8 platform thread) */
  readonly nodeDefaultThreads: boolean;
  readonly reloadMercyMs: number;
  readonly workerReloadMercyMs: number;
  /** a graceful reload keeps the old workers accepting this long beside the ready new ones before the switch */
  readonly reloadOverlapMs: number;
  /** a graceful reload spreads its keep-alive clients' reconnects over this window */
  readonly reloadSpreadMs: number;
  /** heartbeat: the master tells the emperor it is alive this often */
  readonly heartbeatMs?: number;
  readonly readyTimeoutMs: number;
  readonly chmodSocket?: number;
  readonly vacuum: boolean;
  readonly listenBacklog: number;
  /** serve the listening sockets to zergs on this UNIX socket */
  readonly zergServer?: string;
  /** attach to this zerg server instead of binding */
  readonly zerg?: string;
  /** with zerg: bind the configured sockets when the server cannot be reached */
  readonly zergFallback?: true;
  /** the master's stats server; `spec` as written, its identity across reloads */
  readonly stats?: { readonly address: ListenAddress; readonly spec: string };
  readonly statsHttp: boolean;
  readonly statsChmod?: number;
  /** broodlord: ask the emperor for reinforcements after every worker was busy this long */
  readonly vassalSosMs?: number;
  /** broodlord: ask when a listen queue holds this many */
  readonly vassalSosBacklog?: number;
  /** master-fifo paths (absolute), slot 0 first */
  readonly masterFifo: readonly string[];
  /** die-on-idle: stop and exit 0 after this long without a request */
  readonly idleMs?: number;
  readonly policies: WorkerPolicies;
  /** cheaper mode: the number of workers adapts between `min` and processes */
  readonly cheaper?: CheaperMode;
  /** with idleMs: exit (die-on-idle) or stop only the workers until the next connection (cheap) */
  readonly idleAction?: 'die' | 'cheap';
  /** logto, log-format, rotation and reopen */
  readonly log: LogSettings;
}

/** uWSGI's spare algorithm's settings. */
export interface CheaperMode {
  readonly min: number;
  readonly initial: number;
  readonly step: number;
  /** ticks (seconds) of overload before adding, and of idleness between retirements */
  readonly overloadTicks: number;
}
