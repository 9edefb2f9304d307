// Runs a chain reload: drives the pure plan (chain-plan.ts) with the pool's
// workers, waiting for one event at a time, and logs one line per step.
import type { Logger } from '../log/logger.js';
import { startChain, stepChain, type ChainEffect, type ChainEvent, type ChainState } from './chain-plan.js';
import type { Worker } from './worker.js';

/** What the chain needs from the pool. */
export interface ChainHost {
  /** the slots to replace, in order (0-based) */
  readonly order: readonly number[];
  readonly generation: number;
  /** resolves once every worker retiring now has exited */
  settled(): Promise<void>;
  /** spawn the replacement of a slot (0-based), counted among the starting workers */
  boot(slot: number): Worker;
  /** put `replacement` in its slot and retire the worker it replaces; returns that worker's PID, if any */
  swap(slot: number, replacement: Worker): number | null;
  /** forget a replacement that will never serve, killing it if it still runs */
  discard(replacement: Worker): void;
  /** the master stops: the chain must not go on */
  stopping(): boolean;
  readonly log: Logger;
}

export type ChainOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Replace every slot's worker one at a time; resolves when the chain is done or stopped. */
export async function runChain(host: ChainHost): Promise<ChainOutcome> {
  const { order } = host;
  let { state, effects } = startChain(order);
  let replacement: Worker | null = null;
  host.log.info({ generation: host.generation, slots: order.length }, 'chain reload started');
  for (;;) {
    for (const effect of effects) replacement = perform(host, effect, replacement);
    if (state.phase === 'done') return { ok: true };
    if (state.phase === 'stopped') {
      host.log.error({ worker: state.slot + 1, generation: host.generation, replaced: state.at, keptOld: order.length - state.at, reason: state.reason }, 'chain reload stopped');
      return { ok: false, reason: state.reason };
    }
    const event = await nextEvent(host, state, replacement);
    ({ state, effects } = stepChain(state, host.stopping() ? { type: 'cancel', reason: 'the master is stopping' } : event, order));
  }
}

function perform(host: ChainHost, effect: ChainEffect, replacement: Worker | null): Worker | null {
  switch (effect.type) {
    case 'boot':
      return host.boot(effect.slot);
    case 'swap': {
      if (replacement === null) return null;
      const oldPid = host.swap(effect.slot, replacement);
      host.log.info({ worker: effect.slot + 1, workerPid: replacement.pid, oldPid, generation: host.generation }, 'chain reload: worker replaced');
      return null;
    }
    case 'discard':
      if (replacement !== null) host.discard(replacement);
      return null;
  }
}

/** What the current phase waits for. */
function nextEvent(host: ChainHost, state: Extract<ChainState, { phase: 'settling' | 'booting' }>, replacement: Worker | null): Promise<ChainEvent> {
  if (state.phase === 'settling') return host.settled().then(() => ({ type: 'settled' }));
  if (replacement === null) return Promise.resolve({ type: 'not-ready', reason: `worker ${state.slot + 1} was not started` });
  return replacement.ready.then(
    () => ({ type: 'ready' }),
    (err: unknown) => ({ type: 'not-ready', reason: err instanceof Error ? err.message : String(err) }),
  );
}
