// Is this master the vassal of a real uWSGI Emperor? uWSGI says so in the
// environment: UWSGI_EMPEROR_FD names the socketpair end to talk over, and
// UWSGI_EMPEROR_FD_CONFIG a second one when the Emperor sends the config itself
// (its non-file monitors: argv then reads `--ini emperor://NAME`). Read once at
// the edge and removed, so that no worker (an exec worker may be uWSGI itself)
// believes it is a vassal too.
import { UwError } from '../errors.js';

const FD_VAR = 'UWSGI_EMPEROR_FD';
const CONFIG_VAR = 'UWSGI_EMPEROR_FD_CONFIG';
/** uWSGI's own count of its re-executions: meaningless to anything this master starts */
const RELOADS_VAR = 'UWSGI_RELOADS';

/**
 * The descriptor to talk to a uWSGI Emperor over, or null when there is none
 * (or uw runs under uwemperor, which talks over its IPC channel). `isSocket`
 * is the OS's answer for a descriptor. Throws UW_USAGE for a descriptor that
 * is no socket, and for a config sent over the pipe, which uw does not read.
 */
export function takeUwsgiEmperorFd(env: NodeJS.ProcessEnv, underUwemperor: boolean, isSocket: (fd: number) => boolean): number | null {
  const text = env[FD_VAR];
  const config = env[CONFIG_VAR];
  delete env[FD_VAR];
  delete env[CONFIG_VAR];
  delete env[RELOADS_VAR];
  if (text === undefined || underUwemperor) return null;
  if (config !== undefined) {
    throw new UwError('UW_USAGE', `${CONFIG_VAR} is set: this uWSGI Emperor sends the vassal's config over a pipe (emperor://), which uw does not read; run uw from an Emperor watching vassal files (a directory or a glob)`);
  }
  const fd = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  // 0-2 are stdio: a uWSGI Emperor never passes one of them
  if (!(fd > 2) || !isSocket(fd)) {
    throw new UwError('UW_USAGE', `${FD_VAR}: expected the number of an open socket (the uWSGI Emperor's socketpair), got ${JSON.stringify(text.slice(0, 20))}`);
  }
  return fd;
}
