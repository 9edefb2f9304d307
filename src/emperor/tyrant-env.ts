// A tyrant master's environment: an allow-list, never root's whole environment.
// The emperor's environment may hold secrets (tokens, credentials, SSH_AUTH_SOCK)
// and settings meant for root (HOME=/root, NODE_OPTIONS=--require ...); a master
// running as an app's user, and through it the user's config placeholders and
// workers, must see none of them. Kept: what localises and finds programs, the
// CA bundle path, and uwemperor's log level; HOME, USER, LOGNAME and SHELL come
// from the owner's passwd entry. The vassal's own `env = K=V` is added by the
// master for its workers, as for any vassal.
import type { OwnerAccount } from './tyrant-account.js';

/** Names passed on from the emperor's environment. */
const KEPT = /^(?:PATH|LANG|LANGUAGE|LC_[A-Z_]+|TZ|TERM|NODE_EXTRA_CA_CERTS|UW_LOG_LEVEL)$/;
/** when the emperor has no PATH (started by a bare init) */
const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

/** The environment of a master that runs as `account`, from the emperor's `env`. */
export function tyrantEnv(env: NodeJS.ProcessEnv, account: Pick<OwnerAccount, 'name' | 'home' | 'shell'>): NodeJS.ProcessEnv {
  const kept = Object.fromEntries(Object.entries(env).filter(([key, value]) => KEPT.test(key) && value !== undefined));
  return { PATH: DEFAULT_PATH, ...kept, HOME: account.home, USER: account.name, LOGNAME: account.name, SHELL: account.shell };
}
