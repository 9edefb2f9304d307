// The master's signal table: uWSGI's, with 2.1's SIGTERM (a graceful stop, not
// 2.0's brutal reload; `die-on-term = false` restores 2.0). Handlers only
// enqueue a command; the master's loop does the work.

export type MasterCommand = 'reload' | 'term' | 'stop' | 'kill' | 'stats' | 'status' | 'pause-toggle';

export const SIGNAL_TABLE: Readonly<Record<string, MasterCommand>> = {
  SIGHUP: 'reload', // graceful reload
  SIGTERM: 'term', // graceful stop (die-on-term, the default), or 2.0's brutal reload
  SIGINT: 'stop', // graceful stop: finish in-flight requests, then exit
  SIGQUIT: 'kill', // brutal stop: kill the workers now, then exit
  SIGUSR1: 'stats',
  SIGUSR2: 'status',
  SIGTSTP: 'pause-toggle',
};

/** Commands that end the master; a second one during a graceful stop makes it brutal. */
export const STOP_COMMANDS: ReadonlySet<MasterCommand> = new Set(['term', 'stop', 'kill']);

/** Route each signal of the table to `enqueue`. */
export function installSignalHandlers(enqueue: (command: MasterCommand, signal: string) => void): void {
  for (const [signal, command] of Object.entries(SIGNAL_TABLE)) {
    process.on(signal as NodeJS.Signals, () => enqueue(command, signal));
  }
}
