// The master's signal table: uWSGI's, with 2.1's SIGTERM (a graceful stop, not
// 2.0's brutal reload; `die-on-term = false` restores 2.0). Handlers only
// enqueue a command; the master's loop does the work.

export type MasterCommand =
  | 'reload'
  | 'term'
  | 'stop'
  | 'kill'
  | 'stats'
  | 'status'
  | 'pause-toggle'
  /** reload now: the old workers are killed, not drained (FIFO R) */
  | 'brutal-reload'
  /** replace the workers one at a time, each old one retired once its replacement is ready (FIFO c) */
  | 'chain-reload'
  /** a new generation of workers, config not re-read: graceful (FIFO w) or brutal (W) */
  | 'reload-workers'
  | 'reload-workers-brutal'
  /** reopen log files (FIFO l) */
  | 'reopen-logs'
  /** write the pidfiles again (FIFO P) */
  | 'write-pidfiles'
  /** one worker more or fewer than now (FIFO + and -) */
  | 'add-worker'
  | 'remove-worker'
  /** ask the emperor to rescan its vassals (FIFO E) */
  | 'emperor-rescan'
  /** ask the emperor for reinforcements (FIFO B) */
  | 'ask-reinforcements'
  /** rebuild the workers from the previous configuration that became ready (SIGURG, FIFO U; see ready-configs.ts) */
  | 'restore-snapshot';

export const SIGNAL_TABLE: Readonly<Record<string, MasterCommand>> = {
  SIGHUP: 'reload', // graceful reload
  SIGTERM: 'term', // graceful stop (die-on-term, the default), or 2.0's brutal reload
  SIGINT: 'stop', // graceful stop: finish in-flight requests, then exit
  SIGQUIT: 'kill', // brutal stop: kill the workers now, then exit
  SIGUSR1: 'stats',
  SIGUSR2: 'status',
  SIGTSTP: 'pause-toggle',
  SIGURG: 'restore-snapshot', // rebuild the workers from the previous config that became ready
};

/** Commands that end the master; a second one during a graceful stop makes it brutal. */
export const STOP_COMMANDS: ReadonlySet<MasterCommand> = new Set(['term', 'stop', 'kill']);

/** Route each signal of the table to `enqueue`. */
export function installSignalHandlers(enqueue: (command: MasterCommand, signal: string) => void): void {
  for (const [signal, command] of Object.entries(SIGNAL_TABLE)) {
    process.on(signal as NodeJS.Signals, () => enqueue(command, signal));
  }
}
