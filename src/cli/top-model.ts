// What `uwemperor top` shows, as a pure state: the latest document, the rates
// measured against the one before, which vassal is selected (by id, so it
// stays selected as the order changes) and whether its workers are shown.
// The loop feeds it documents, failures and keys; the renderer draws it.
import type { EmperorStatsDocument, VassalStatsDocument } from '../stats/emperor-document.js';
import { measureRates, NO_RATES, type Rates } from './stats-rates.js';

/** The keys top knows, decoded from the terminal's bytes. */
export type TopKey = 'up' | 'down' | 'first' | 'last' | 'toggle' | 'close' | 'quit';

/** Everything the screen is drawn from. */
export interface TopModel {
  /** the control socket, for the title and messages */
  readonly where: string;
  readonly document: EmperorStatsDocument | null;
  readonly rates: Rates;
  readonly selected: string | null;
  /** the selected vassal's workers are listed */
  readonly expanded: boolean;
  /** why the last read failed (the figures shown are older), null while reads succeed */
  readonly problem: string | null;
  /** epoch ms of the first failed read in a row */
  readonly problemSince: number | null;
}

/** Before the first document. */
export function initialTop(where: string): TopModel {
  return { where, document: null, rates: NO_RATES, selected: null, expanded: false, problem: null, problemSince: null };
}

/** The vassals busiest first: measured rate, then requests served, then name. */
export function topOrder(model: TopModel): VassalStatsDocument[] {
  const rate = (vassal: VassalStatsDocument): number => model.rates.vassals.get(vassal.id) ?? -1;
  return [...(model.document?.vassals ?? [])].sort(
    (a, b) => rate(b) - rate(a) || (b.stats?.total_requests ?? -1) - (a.stats?.total_requests ?? -1) || a.id.localeCompare(b.id),
  );
}

/** A new document arrived: rates against the previous one (none after an outage or from the same collection). */
export function observed(model: TopModel, document: EmperorStatsDocument): TopModel {
  const measured = model.document === null || model.problem !== null ? NO_RATES : measureRates(model.document, document);
  const next: TopModel = { ...model, document, rates: measured ?? model.rates, problem: null, problemSince: null };
  const ids = topOrder(next).map((vassal) => vassal.id);
  const selected = model.selected !== null && ids.includes(model.selected) ? model.selected : (ids[0] ?? null);
  return { ...next, selected, expanded: next.expanded && selected === model.selected };
}

/** A read failed: say why on screen and keep the last figures. */
export function lost(model: TopModel, problem: string, nowMs: number): TopModel {
  return { ...model, problem, problemSince: model.problemSince ?? nowMs };
}

/** A key other than quit; quit is the loop's business. */
export function pressed(model: TopModel, key: Exclude<TopKey, 'quit'>): TopModel {
  if (key === 'toggle') return { ...model, expanded: model.selected !== null && !model.expanded };
  if (key === 'close') return { ...model, expanded: false };
  const ids = topOrder(model).map((vassal) => vassal.id);
  if (ids.length === 0) return model;
  const at = model.selected === null ? 0 : Math.max(0, ids.indexOf(model.selected));
  const to = { up: Math.max(0, at - 1), down: Math.min(ids.length - 1, at + 1), first: 0, last: ids.length - 1 }[key];
  const selected = ids[to] ?? null;
  return { ...model, selected, expanded: model.expanded && selected === model.selected };
}
