// Where the emperor's statistics are read: its control socket, always (UNIX,
// 0600: `uwemperor ls|stats|top` connect to it), and `stats = ADDR` when set.
// Both serve the same document (raw read: JSON; HTTP: GET / and /metrics).
// A control path given explicitly must be ours to take, or the start fails; the
// default path held by another emperor only costs this one its control socket.
import { UwError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { startStatsServer, type StatsServer, type StatsSource } from '../stats/stats-server.js';
import { defaultControlPath } from './control-path.js';
import type { EmperorSettings } from './emperor-settings.js';

/** The listening servers, closed (and the socket files removed) at exit. */
export interface StatsEndpoints {
  /** the control socket's path, null when the default path was taken */
  readonly control: string | null;
  /** where `stats` listens, null without it */
  readonly stats: string | null;
  close(): Promise<void>;
}

/** Open the control socket and the stats server; throws UwError for an explicit path or address that cannot be used. */
export async function openStatsEndpoints(
  settings: Pick<EmperorSettings, 'control' | 'stats'>,
  source: StatsSource,
  logger: Logger,
  defaultPath: string = defaultControlPath(),
): Promise<StatsEndpoints> {
  const onError = (err: unknown): void => logger.warn({ err }, 'stats server error');
  const control = await openControl(settings.control, defaultPath, source, logger, onError);
  let stats: StatsServer | null = null;
  try {
    // reading only: the control actions (logs reopen) stay on the 0600 control socket, never on a TCP address
    const readOnly: StatsSource = { document: () => source.document(), metrics: () => source.metrics() };
    if (settings.stats !== undefined) stats = await startStatsServer({ address: settings.stats, option: 'stats', file: '' }, readOnly, onError);
  } catch (err) {
    await control?.close();
    throw err;
  }
  logger.info({ control: control?.where ?? null, stats: stats?.where ?? null }, 'emperor statistics listening');
  return {
    control: control?.where ?? null,
    stats: stats?.where ?? null,
    close: async () => {
      await Promise.all([control?.close(), stats?.close()]);
    },
  };
}

async function openControl(explicit: string | undefined, defaultPath: string, source: StatsSource, logger: Logger, onError: (err: unknown) => void): Promise<StatsServer | null> {
  const path = explicit ?? defaultPath;
  try {
    return await startStatsServer({ address: { type: 'unix', path }, option: 'control', file: '', mode: 0o600 }, source, onError);
  } catch (err) {
    if (explicit !== undefined || !(err instanceof UwError)) throw err;
    const detail =
      err.code === 'UW_SOCKET_IN_USE'
        ? `another emperor listens on ${path}; this one has no control socket; use --control PATH`
        : `${err.message}; this emperor has no control socket; use --control PATH`;
    logger.warn({ path, code: err.code, detail }, 'no control socket');
    return null;
  }
}
