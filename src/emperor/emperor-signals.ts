// The emperor's signal table. Each handler only pushes a command; the main
// loop does the work (see command-queue.ts).
import type { EmperorCommand } from './emperor.js';

/** Signal -> command, as in uWSGI's emperor where the meaning is the same; QUIT is brutal, as for uw. */
export const SIGNAL_COMMANDS = {
  SIGHUP: 'reload',
  SIGINT: 'stop', // graceful: each master finishes its requests (a second INT/TERM kills)
  SIGTERM: 'stop',
  SIGQUIT: 'kill', // brutal, as the master's QUIT: SIGKILL every master now
  SIGUSR1: 'status',
  SIGWINCH: 'rescan',
  SIGURG: 'clear-backoffs',
} as const satisfies Partial<Record<NodeJS.Signals, EmperorCommand>>;

/** Route every signal of the table to `enqueue`; returns a function that removes the handlers. */
export function installSignalHandlers(enqueue: (command: EmperorCommand) => void): () => void {
  const entries = Object.entries(SIGNAL_COMMANDS) as [NodeJS.Signals, EmperorCommand][];
  const handlers = entries.map(([signal, command]) => {
    const handler = () => enqueue(command);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
