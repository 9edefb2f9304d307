// The chaos run's accounting of requests against kills. A kill exposes the
// requests that may be in flight on a process it kills: those outstanding when
// it is sent and those sent until its processes are gone (to the killed
// vassals' ports; for keep-alive, only connections attached to a killed worker
// or not attached yet), and any later request on a connection attached to a
// killed process. A failure is then in flight (exposed), a refused connection
// while its vassal has no master, or unexplained: the run asserts none of those.

/** What a kill targets. */
export type KillKind = 'worker' | 'master' | 'emperor';

/** One SIGKILL and what it cost: the requests it exposed, failed and refused. */
export interface Kill {
  readonly id: number;
  readonly kind: KillKind;
  /** the ports of the vassals it takes down (all of them, or a part) */
  readonly ports: ReadonlySet<number>;
  /** every process it kills: the target and, through the parent-death signal, its descendants */
  readonly pids: ReadonlySet<number>;
  readonly at: number;
  /** when its processes were all gone (the end of its window) */
  goneAt?: number;
  /** requests exposed to this kill (an upper bound of those in flight on its processes) */
  inflight: number;
  /** exposed requests that failed */
  failed: number;
  /** new connections refused while its vassals had no master */
  refused: number;
}

/** A request from send to answer or failure. */
export interface PendingRequest {
  readonly port: number;
  readonly mode: 'keep-alive' | 'new-connection';
  readonly sentAt: number;
  /** keep-alive on a reused connection: the worker PID that answered on it last */
  socketPid: number | undefined;
  exposedTo: Kill | null;
  settled?: boolean;
}

/** A failure no kill explains: the run fails on any. */
export interface Unexplained {
  readonly port: number;
  readonly mode: string;
  readonly code: string;
  readonly sentAt: number;
  readonly failedAt: number;
}

/** Every request's fate, checked against the kills. */
export class ChaosLedger {
  ok = 0;
  readonly unexplained: Unexplained[] = [];
  private readonly outstanding = new Set<PendingRequest>();
  private readonly openKills = new Set<Kill>();
  private readonly deadPids = new Map<number, Kill>();
  private readonly down = new Map<number, Kill>();

  open(kill: Kill): void {
    this.openKills.add(kill);
    for (const pid of kill.pids) this.deadPids.set(pid, kill);
    for (const request of this.outstanding) if (matches(kill, request)) expose(request, kill);
  }

  /** Its processes are gone: later requests are not exposed to it (except on a connection to one of them). */
  close(kill: Kill): void {
    kill.goneAt = Date.now();
    this.openKills.delete(kill);
  }

  /** From now until up(port), a refused connection to `port` is counted against `kill`. */
  markDown(port: number, kill: Kill): void {
    this.down.set(port, kill);
  }

  markUp(port: number): void {
    this.down.delete(port);
  }

  sent(request: PendingRequest): void {
    this.outstanding.add(request);
    const stale = request.socketPid === undefined ? undefined : this.deadPids.get(request.socketPid);
    if (stale !== undefined) return expose(request, stale);
    for (const kill of this.openKills) if (matches(kill, request)) return expose(request, kill);
  }

  /** `error` null: a complete 200. */
  settle(request: PendingRequest, error: string | null): void {
    if (request.settled === true) return;
    request.settled = true;
    this.outstanding.delete(request);
    const kill = request.exposedTo;
    if (error === null) {
      this.ok += 1;
      return;
    }
    const downBy = this.down.get(request.port);
    if (error === 'ECONNREFUSED' && downBy !== undefined) {
      downBy.refused += 1;
      // it never reached a process: not in flight on one
      if (kill !== null) kill.inflight -= 1;
      request.exposedTo = null;
      return;
    }
    if (kill !== null) kill.failed += 1;
    else this.unexplained.push({ port: request.port, mode: request.mode, code: error, sentAt: request.sentAt, failedAt: Date.now() });
  }
}

function matches(kill: Kill, request: PendingRequest): boolean {
  if (!kill.ports.has(request.port)) return false;
  return request.mode === 'new-connection' || request.socketPid === undefined || kill.pids.has(request.socketPid);
}

function expose(request: PendingRequest, kill: Kill): void {
  if (request.exposedTo !== null) return;
  request.exposedTo = kill;
  kill.inflight += 1;
}
