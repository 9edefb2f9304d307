// harakiri, max-requests, max-worker-lifetime, min-worker-lifetime and
// reload-on-rss, with uWSGI's names and units (reload-on-rss in MB, delta
// multiplied by worker id - 1). Counting requests needs our Node code in the
// worker, so max-requests and harakiri refuse exec workers at load time.
import { UwError } from '../errors.js';
import { boolean, boundedInt, positiveMs, secondsToMs } from './convert.js';
import { convert, type Settings } from './settings.js';
import type { AppSpec, WorkerPolicies } from './vassal-config.js';

const SECOND = 1000;
/** uWSGI's default: a fresh worker is not recycled for its memory or requests in its first 10 s */
const MIN_LIFETIME_MS = 10 * SECOND;
const MB = 1024 * 1024;

const requestCount = boundedInt(1, 2 ** 31 - 1, 'a count of requests');
const requestDelta = boundedInt(0, 2 ** 31 - 1, 'a count of requests');
const megabytes = boundedInt(1, 1024 * 1024, 'megabytes of resident memory, up to 1 TiB');

/** The policies of a vassal; throws UW_CONFIG_CONFLICT for one its workers cannot honour. */
export function workerPolicies(settings: Settings, kind: AppSpec['kind']): WorkerPolicies {
  if (kind === 'exec') {
    for (const name of ['harakiri', 'max-requests', 'worker-heartbeat'] as const) {
      const setting = settings.last(name);
      if (setting !== undefined) {
        throw new UwError('UW_CONFIG_CONFLICT', `option "${name}" needs Node workers (module or script): an exec worker does not report its requests to the master`, { file: setting.file, key: setting.key });
      }
    }
  }
  const harakiri = settings.last('harakiri');
  const maxRequests = settings.last('max-requests');
  const maxLifetime = settings.last('max-worker-lifetime');
  const rss = settings.last('reload-on-rss');
  const heartbeat = settings.last('worker-heartbeat');
  const policies: WorkerPolicies = {
    harakiriVerbose: settings.read('harakiri-verbose', boolean, false),
    maxRequestsDelta: settings.read('max-requests-delta', requestDelta, 0),
    maxLifetimeDeltaMs: settings.read('max-worker-lifetime-delta', secondsToMs, 0),
    minLifetimeMs: settings.read('min-worker-lifetime', secondsToMs, MIN_LIFETIME_MS),
    ...(harakiri === undefined ? {} : { harakiriMs: convert(harakiri, positiveMs) }),
    ...(maxRequests === undefined ? {} : { maxRequests: convert(maxRequests, requestCount) }),
    ...(maxLifetime === undefined ? {} : { maxLifetimeMs: convert(maxLifetime, positiveMs) }),
    ...(rss === undefined ? {} : { reloadOnRssBytes: convert(rss, megabytes) * MB }),
    ...(heartbeat === undefined ? {} : { workerHeartbeatMs: convert(heartbeat, positiveMs) }),
  };
  const minSetting = settings.last('min-worker-lifetime');
  if (maxLifetime !== undefined && minSetting !== undefined && policies.maxLifetimeMs !== undefined && policies.minLifetimeMs >= policies.maxLifetimeMs) {
    throw new UwError('UW_CONFIG_CONFLICT', `option "min-worker-lifetime" (${policies.minLifetimeMs / SECOND} s) must be below "max-worker-lifetime" (${policies.maxLifetimeMs / SECOND} s)`, { file: minSetting.file, key: minSetting.key });
  }
  return policies;
}
