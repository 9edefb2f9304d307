// The emperor's view of time, injected so timers (settle, back-off, start
// limits) can be driven by a virtual clock in unit tests.

/** A cancellable timer handle; only `clear` is needed. */
export interface TimerHandle {
  clear(): void;
}

/** Time source and one-shot timers. */
export interface Clock {
  now(): number;
  setTimer(delayMs: number, callback: () => void): TimerHandle;
}

/** The real clock: Date.now and setTimeout. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(delayMs, callback) {
    const timer = setTimeout(callback, delayMs);
    return { clear: () => clearTimeout(timer) };
  },
};
