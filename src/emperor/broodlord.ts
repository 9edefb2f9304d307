// Broodlord: on a vassal's SOS the emperor starts one more instance of it
// from its file's [zerg] section (`uw app.ini:zerg`), named `app.ini:zerg:N`,
// up to emperor-broodlord per vassal. The instances are vassals of their own
// (their own state machine, logs and statistics rows), kept here by parent so
// that a file change reloads them only when their section changed, and a
// removed file stops them all.
import type { Logger } from '../log/logger.js';
import { decideZerg } from './broodlord-decision.js';
import { ZERG_SECTION, type ZergSection } from './broodlord-section.js';
import type { Clock } from './clock.js';
import type { Vassal } from './vassal.js';

/** An SOS while broodlord is off is logged at most this often per vassal. */
export const SOS_WARN_EVERY_MS = 60_000;

/** What the broodlord needs from the emperor. */
export interface BroodlordDeps {
  /** emperor-broodlord; 0: off */
  readonly max: number;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly readSection: (file: string) => Promise<ZergSection>;
  /** create and keep a zerg instance of `parent`; null while the emperor stops */
  readonly createZerg: (parent: Vassal, identity: string) => Vassal | null;
}

/** One vassal's zerg instances, by number, and the section digest they run. */
interface Brood {
  readonly zergs: Map<number, Vassal>;
  digest: string | null;
  reading: boolean;
  noSectionLogged: boolean;
  lastOffWarnAt: number | null;
}

/** The zerg instances of every vassal. */
export class Broodlord {
  private readonly broods = new Map<string, Brood>();

  constructor(private readonly deps: BroodlordDeps) {}

  /** How many zerg instances `identity` has now. */
  count(identity: string): number {
    return this.broods.get(identity)?.zergs.size ?? 0;
  }

  /** The vassal's master asked for reinforcements. */
  sos(parent: Vassal, reason: string): void {
    const brood = this.broodOf(parent.identity);
    const log = this.deps.logger.child({ vassal: parent.identity });
    if (this.deps.max <= 0) {
      const now = this.deps.clock.now();
      if (brood.lastOffWarnAt !== null && now - brood.lastOffWarnAt < SOS_WARN_EVERY_MS) return;
      brood.lastOffWarnAt = now;
      log.warn({ reason }, 'vassal asks for reinforcements, but emperor-broodlord is off');
      return;
    }
    if (brood.reading || parent.fingerprint === null) return;
    brood.reading = true;
    this.deps
      .readSection(parent.file)
      .then((section) => this.decide(parent, brood, section, reason, log))
      .catch((err: unknown) => log.error({ err }, 'broodlord failed'))
      .finally(() => (brood.reading = false));
  }

  private decide(parent: Vassal, brood: Brood, section: ZergSection, reason: string, log: Logger): void {
    if (parent.fingerprint === null) return;
    const pending = [...brood.zergs.values()].some((zerg) => zerg.state === 'starting');
    const decision = decideZerg({ max: this.deps.max, numbers: [...brood.zergs.keys()], hasSection: section?.present === true, pending });
    if (!decision.start) {
      if (decision.why === 'no-section' && !brood.noSectionLogged) {
        brood.noSectionLogged = true;
        log.warn({ reason, section: ZERG_SECTION }, 'vassal asks for reinforcements, but its file has no [zerg] section');
      } else log.debug({ reason, why: decision.why }, 'reinforcements not started');
      return;
    }
    if (section?.present !== true) return;
    const identity = `${parent.identity}:${ZERG_SECTION}:${decision.number}`;
    const zerg = this.deps.createZerg(parent, identity);
    if (zerg === null) return;
    brood.zergs.set(decision.number, zerg);
    brood.digest = section.digest;
    log.info({ reason, zerg: identity, zergs: brood.zergs.size, max: this.deps.max }, 'broodlord: starting a zerg instance');
  }

  /** The vassal file changed: reload the instances if their section did, stop them if it is gone. */
  fileChanged(parent: Vassal): void {
    const brood = this.broods.get(parent.identity);
    if (brood === undefined) return;
    brood.noSectionLogged = false;
    if (brood.zergs.size === 0) return;
    this.deps
      .readSection(parent.file)
      .then((section) => {
        if (section === null || (section.present && section.digest === brood.digest)) return;
        const log = this.deps.logger.child({ vassal: parent.identity });
        if (!section.present) {
          log.info({ zergs: brood.zergs.size }, 'broodlord: [zerg] section removed, stopping the zerg instances');
          return this.each(brood, (zerg) => zerg.handle({ type: 'file-removed' }));
        }
        brood.digest = section.digest;
        log.info({ zergs: brood.zergs.size }, 'broodlord: [zerg] section changed, reloading the zerg instances');
        this.each(brood, (zerg) => zerg.handle({ type: 'file-changed' }));
      })
      .catch((err: unknown) => this.deps.logger.error({ err, vassal: parent.identity }, 'broodlord failed'));
  }

  /** The vassal file is gone: every instance stops gracefully. */
  fileRemoved(identity: string): void {
    const brood = this.broods.get(identity);
    if (brood === undefined) return;
    if (brood.zergs.size === 0 && !brood.reading) this.broods.delete(identity);
    this.each(brood, (zerg) => {
      zerg.fingerprint = null;
      zerg.handle({ type: 'file-removed' });
    });
  }

  /** An instance stopped for good (idle, removed, emperor stopping): its number is free again. */
  forget(parentIdentity: string, zerg: Vassal): void {
    const brood = this.broods.get(parentIdentity);
    if (brood === undefined) return;
    for (const [number, held] of brood.zergs) if (held === zerg) brood.zergs.delete(number);
    if (brood.zergs.size === 0 && !brood.reading) this.broods.delete(parentIdentity);
  }

  private each(brood: Brood, action: (zerg: Vassal) => void): void {
    for (const zerg of [...brood.zergs.values()]) action(zerg);
  }

  private broodOf(identity: string): Brood {
    let brood = this.broods.get(identity);
    if (brood === undefined) {
      brood = { zergs: new Map(), digest: null, reading: false, noSectionLogged: false, lastOffWarnAt: null };
      this.broods.set(identity, brood);
    }
    return brood;
  }
}
