// The convenience commands shared by uw and uwemperor: --reload, --stop and
// --pause send a signal to the PID in a pidfile, as `uwsgi --reload` does.
import { describeError } from '../errors.js';
import { signalPidfile } from '../process/pidfile.js';

export const CONTROL_SIGNALS: Readonly<Record<string, NodeJS.Signals>> = {
  '--reload': 'SIGHUP',
  '--stop': 'SIGINT',
  '--pause': 'SIGTSTP',
};

/** If argv is a control command, run it and return the exit code; else null. */
export function runControlCommand(program: string, argv: readonly string[], allowed: readonly string[]): number | null {
  const flag = argv[0];
  if (flag === undefined || !allowed.includes(flag)) return null;
  const signal = CONTROL_SIGNALS[flag];
  const pidfile = argv[1];
  if (signal === undefined || pidfile === undefined || argv.length > 2) {
    console.error(`${program}: usage: ${program} ${flag} PIDFILE`);
    return 2;
  }
  try {
    const pid = signalPidfile(pidfile, signal);
    console.error(`${program}: sent ${signal} to ${pid}`);
    return 0;
  } catch (err) {
    console.error(`${program}: ${describeError(err)}`);
    return 1;
  }
}
