// "Start a zerg instance now?", as a pure function of what the emperor knows
// about one vassal when its master asks for reinforcements.

/** The facts the decision rests on. */
export interface ZergFacts {
  /** emperor-broodlord: zerg instances per vassal at most; 0 turns broodlord off */
  readonly max: number;
  /** numbers of the vassal's zerg instances alive now (starting, serving or stopping) */
  readonly numbers: readonly number[];
  /** the vassal file has a [zerg] section */
  readonly hasSection: boolean;
  /** a zerg instance is starting (or its section is being read): wait for it before another */
  readonly pending: boolean;
}

/** Start instance `number`, or why not. */
export type ZergDecision =
  | { readonly start: true; readonly number: number }
  | { readonly start: false; readonly why: 'off' | 'no-section' | 'pending' | 'at-cap' };

/** One more instance, numbered with the lowest free number, unless off, sectionless, pending or at the cap. */
export function decideZerg(facts: ZergFacts): ZergDecision {
  if (facts.max <= 0) return { start: false, why: 'off' };
  if (!facts.hasSection) return { start: false, why: 'no-section' };
  if (facts.pending) return { start: false, why: 'pending' };
  if (facts.numbers.length >= facts.max) return { start: false, why: 'at-cap' };
  const used = new Set(facts.numbers);
  let number = 1;
  while (used.has(number)) number++;
  return { start: true, number };
}
