// heartbeat = S: the master tells the emperor it is alive every S seconds
// (uWSGI's byte 26). The beat comes from the master's own event loop, so a
// master that is stopped or stuck goes silent, which is what the emperor
// watches for. A reload may change S or turn it off; "off" is said once, so
// the emperor stops waiting for beats that will not come.
import type { MasterToEmperor } from '../ipc/protocol.js';

type Beat = Extract<MasterToEmperor, { type: 'master-heartbeat' }>;

/** The master's side of the heartbeat: one interval, replaced when the config's period changes. */
export class HeartbeatSender {
  private everyMs = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly send: (beat: Beat) => void) {}

  /** Beat every `everyMs` from now on (a first beat at once); undefined stops the beats. */
  follow(everyMs: number | undefined): void {
    const next = everyMs ?? 0;
    if (next === this.everyMs) return;
    this.stop();
    this.everyMs = next;
    this.send({ type: 'master-heartbeat', everyMs: next });
    if (next === 0) return;
    this.timer = setInterval(() => this.send({ type: 'master-heartbeat', everyMs: next }), next);
    this.timer.unref();
  }

  private stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
