// Where the emperor's control socket is, when `--control` does not say: the
// same rule for the emperor that listens and for `uwemperor ls|stats|top` that
// connect, so both find each other without a flag.
//   root:       /run/uwemperor.sock (systemd services and root shells alike)
//   other user: $XDG_RUNTIME_DIR/uwemperor.sock, or ~/.uwemperor.sock without it
// UWEMPEROR_CONTROL overrides the default for both sides.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The control socket path to use when no --control is given. */
export function defaultControlPath(env: NodeJS.ProcessEnv = process.env, uid: number = process.getuid?.() ?? 0): string {
  const override = env.UWEMPEROR_CONTROL;
  if (override !== undefined && override !== '') return override;
  if (uid === 0) return '/run/uwemperor.sock';
  const runtime = env.XDG_RUNTIME_DIR;
  return join(runtime !== undefined && runtime !== '' ? runtime : homedir(), runtime !== undefined && runtime !== '' ? 'uwemperor.sock' : '.uwemperor.sock');
}
