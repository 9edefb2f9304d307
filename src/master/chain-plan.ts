// Chain reload as a pure step function. Slots are replaced in order; before a
// replacement boots, every retiring worker must have exited, so that at most
// N+1 workers exist (memory never doubles), and an old worker is retired only
// once its replacement is ready, so that N workers always serve. A replacement
// that does not become ready stops the chain: the slots not reached yet keep
// their old workers. The pool performs the effects and feeds back the events.

/**
 * settling: waiting for every retiring worker to exit before `slot` boots;
 * booting: the replacement of `slot` is starting; done and stopped are final.
 */
export type ChainState =
  | { readonly phase: 'settling'; readonly slot: number }
  | { readonly phase: 'booting'; readonly slot: number }
  | { readonly phase: 'done' }
  | { readonly phase: 'stopped'; readonly slot: number; readonly reason: string };

export type ChainEvent =
  /** no worker is retiring any more */
  | { readonly type: 'settled' }
  /** the replacement of the booting slot is ready */
  | { readonly type: 'ready' }
  /** it exited, or was not ready in time */
  | { readonly type: 'not-ready'; readonly reason: string }
  /** the master stops: the chain ends where it is */
  | { readonly type: 'cancel'; readonly reason: string };

export type ChainEffect =
  /** start the replacement of `slot` with the new config */
  | { readonly type: 'boot'; readonly slot: number }
  /** put the ready replacement in `slot` and retire (drain) the worker it replaces */
  | { readonly type: 'swap'; readonly slot: number }
  /** the replacement of `slot` will never serve: forget it (and kill it if it still runs) */
  | { readonly type: 'discard'; readonly slot: number };

export interface ChainStep {
  readonly state: ChainState;
  readonly effects: readonly ChainEffect[];
}

/** The first step of a chain over `slots` slots (slots are numbered from 0). */
export function startChain(slots: number): ChainStep {
  return slots > 0 ? { state: { phase: 'settling', slot: 0 }, effects: [] } : { state: { phase: 'done' }, effects: [] };
}

/** The one transition function; a (phase, event) pair not listed is ignored on purpose. */
export function stepChain(state: ChainState, event: ChainEvent, slots: number): ChainStep {
  const ignored: ChainStep = { state, effects: [] };
  if (state.phase === 'done' || state.phase === 'stopped') return ignored;
  if (event.type === 'cancel') {
    const stopped: ChainState = { phase: 'stopped', slot: state.slot, reason: event.reason };
    return { state: stopped, effects: state.phase === 'booting' ? [{ type: 'discard', slot: state.slot }] : [] };
  }
  if (state.phase === 'settling') {
    return event.type === 'settled' ? { state: { phase: 'booting', slot: state.slot }, effects: [{ type: 'boot', slot: state.slot }] } : ignored;
  }
  if (event.type === 'ready') {
    const next = state.slot + 1;
    return { state: next < slots ? { phase: 'settling', slot: next } : { phase: 'done' }, effects: [{ type: 'swap', slot: state.slot }] };
  }
  if (event.type === 'not-ready') {
    return { state: { phase: 'stopped', slot: state.slot, reason: event.reason }, effects: [{ type: 'discard', slot: state.slot }] };
  }
  return ignored;
}
