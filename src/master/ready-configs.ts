// The snapshot behind restore-snapshot (SIGURG): the last two configs whose
// workers all became ready. A failed reload already keeps the old workers, so
// the useful rollback is from a reload that succeeded but serves badly: back to
// the config before it, without reading the file.

export class ReadyConfigs<T> {
  /** the config the workers run, once it became ready */
  current: T | null = null;
  /** the one that was ready before it */
  previous: T | null = null;

  /** A reload (or the first start) to `config` became ready. */
  ready(config: T): void {
    if (config === this.current) return;
    this.previous = this.current;
    this.current = config;
  }

  /**
   * What restore-snapshot rebuilds the workers from: the current ready config
   * when some workers run another (a chain reload that stopped midway), else the
   * previous one, else the current one again (a fresh generation of it).
   */
  target(workersRunCurrent: boolean): T | null {
    if (!workersRunCurrent) return this.current;
    return this.previous ?? this.current;
  }

  /** A restore of `config` became ready: the config rolled back from is forgotten, so a second restore does not return to it. */
  restored(config: T): void {
    if (config === this.current) return;
    this.current = config;
    this.previous = null;
  }
}
