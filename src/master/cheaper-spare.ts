// uWSGI's "spare" cheaper algorithm as a pure step, one sample a second:
// when every worker was busy for `overloadTicks` samples in a row, add up to
// `step` workers; when not overloaded and more than one worker is free, retire
// one every `overloadTicks` samples, down to `min`. Exactly one free worker is
// the stable state.

/** One sample of the active workers. */
export interface SpareSample {
  readonly active: number;
  readonly busy: number;
  /** slots that could take another worker (up to processes) */
  readonly spare: number;
}

/** +N: start N workers; -1: retire one; 0: nothing. */
export type SpareDecision = number;

export class SpareAlgorithm {
  private overload = 0;
  private idle = 0;

  constructor(private readonly settings: { readonly min: number; readonly step: number; readonly overloadTicks: number }) {}

  sample(sample: SpareSample): SpareDecision {
    const { min, step, overloadTicks } = this.settings;
    if (sample.active > 0 && sample.busy >= sample.active) {
      this.overload += 1;
      this.idle = 0;
    } else if (this.overload > 0) {
      this.overload -= 1;
    }
    if (sample.spare > 0 && this.overload >= overloadTicks) {
      this.overload = 0;
      return Math.min(step, sample.spare);
    }
    if (this.overload > 0) return 0;
    // one free worker: as many as the load needs
    if (sample.active - sample.busy === 1) return 0;
    this.idle += 1;
    return sample.active > min && this.idle % overloadTicks === 0 ? -1 : 0;
  }
}
