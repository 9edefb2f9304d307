// Broodlord's trigger, as a pure function of samples: when should a master ask
// the emperor for reinforcements? `vassal-sos` once every worker has been busy
// for that long, `vassal-sos-backlog` once a listen queue holds that many; one
// request per `vassal-sos` period at most (per second with only the backlog
// form: uWSGI asks at every once-a-second check, which floods the emperor).

/** What the monitor saw at one tick. */
export interface SosSample {
  /** epoch ms */
  readonly now: number;
  /** every worker slot holds a worker with a request in flight */
  readonly allBusy: boolean;
  /** the longest accept queue of the master's sockets */
  readonly backlog: number;
}

/** A master's broodlord settings (either may be absent). */
export interface SosSettings {
  readonly busyMs?: number | undefined;
  readonly backlog?: number | undefined;
}

/** Why a master asks for help. */
export type SosRequest = { readonly reason: 'busy'; readonly busyMs: number } | { readonly reason: 'backlog'; readonly backlog: number };

/** The period of the backlog form when `vassal-sos` is not set. */
export const SOS_BACKLOG_PERIOD_MS = 1_000;

/** Remembers since when the workers are all busy and when the last request went out. */
export class SosCheck {
  private busySince: number | null = null;
  private lastSosAt: number | null = null;

  constructor(private readonly settings: SosSettings) {}

  /** Feed one sample; a request when one should be sent now. */
  sample(sample: SosSample): SosRequest | null {
    const { busyMs, backlog } = this.settings;
    this.busySince = sample.allBusy ? (this.busySince ?? sample.now) : null;
    const period = busyMs ?? SOS_BACKLOG_PERIOD_MS;
    if (this.lastSosAt !== null && sample.now - this.lastSosAt < period) return null;
    let request: SosRequest | null = null;
    if (busyMs !== undefined && this.busySince !== null && sample.now - this.busySince >= busyMs) {
      request = { reason: 'busy', busyMs: sample.now - this.busySince };
    } else if (backlog !== undefined && sample.backlog >= backlog) {
      request = { reason: 'backlog', backlog: sample.backlog };
    }
    if (request !== null) this.lastSosAt = sample.now;
    return request;
  }
}
