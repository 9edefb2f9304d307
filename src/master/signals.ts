// The classic uWSGI master signal table. Handlers only enqueue a command; the
// master's loop does the work.

export type MasterCommand = 'reload' | 'term' | 'stop' | 'stats' | 'status' | 'pause-toggle';

export const SIGNAL_TABLE: Readonly<Record<string, MasterCommand>> = {
  SIGHUP: 'reload', // graceful reload
  SIGTERM: 'term', // brutal reload, or a graceful shutdown with die-on-term
  SIGINT: 'stop', // kill the whole stack
  SIGQUIT: 'stop',
  SIGUSR1: 'stats',
  SIGUSR2: 'status',
  SIGTSTP: 'pause-toggle',
};

/** Route each signal of the table to `enqueue`. */
export function installSignalHandlers(enqueue: (command: MasterCommand, signal: string) => void): void {
  for (const [signal, command] of Object.entries(SIGNAL_TABLE)) {
    process.on(signal as NodeJS.Signals, () => enqueue(command, signal));
  }
}
