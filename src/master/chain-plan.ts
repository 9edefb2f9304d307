// Chain reload as a pure step function. Slots are replaced in the order given
// (every slot that holds a worker, in the pool's order); before a
// replacement boots, every retiring worker must have exited, so that at most
// N+1 workers exist (memory never doubles), and an old worker is retired only
// once its replacement is ready, so that N workers always serve. A replacement
// that does not become ready stops the chain: the slots not reached yet keep
// their old workers. The pool performs the effects and feeds back the events.

/**
 * settling: waiting for every retiring worker to exit before `slot` boots;
 * booting: the replacement of `slot` is starting; done and stopped are final.
 * `at` counts the slots of the order already replaced.
 */
export type ChainState =
  | { readonly phase: 'settling'; readonly at: number; readonly slot: number }
  | { readonly phase: 'booting'; readonly at: number; readonly slot: number }
  | { readonly phase: 'done' }
  | { readonly phase: 'stopped'; readonly at: number; readonly slot: number; readonly reason: string };

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

/** The `at`-th step of the order: settling before its slot boots, or done past the end. */
function settle(order: readonly number[], at: number): ChainState {
  const slot = order[at];
  return slot === undefined ? { phase: 'done' } : { phase: 'settling', at, slot };
}

/** The first step of a chain over the slots of `order` (slot indexes from 0). */
export function startChain(order: readonly number[]): ChainStep {
  return { state: settle(order, 0), effects: [] };
}

/** The one transition function; a (phase, event) pair not listed is ignored on purpose. */
export function stepChain(state: ChainState, event: ChainEvent, order: readonly number[]): ChainStep {
  const ignored: ChainStep = { state, effects: [] };
  if (state.phase === 'done' || state.phase === 'stopped') return ignored;
  const { at, slot } = state;
  if (event.type === 'cancel') {
    return { state: { phase: 'stopped', at, slot, reason: event.reason }, effects: state.phase === 'booting' ? [{ type: 'discard', slot }] : [] };
  }
  if (state.phase === 'settling') {
    return event.type === 'settled' ? { state: { phase: 'booting', at, slot }, effects: [{ type: 'boot', slot }] } : ignored;
  }
  if (event.type === 'ready') return { state: settle(order, at + 1), effects: [{ type: 'swap', slot }] };
  if (event.type === 'not-ready') return { state: { phase: 'stopped', at, slot, reason: event.reason }, effects: [{ type: 'discard', slot }] };
  return ignored;
}
