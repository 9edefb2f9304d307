// cheaper, cheaper-initial, cheaper-step, cheaper-overload and cheaper-algo,
// as uWSGI names them: the number of workers adapts between `cheaper` and
// `processes`. Only the spare algorithm (uWSGI's default) is built. Knowing
// whether a worker is busy needs our Node code in it, so exec is refused.
import { UwError } from '../errors.js';
import { boundedInt } from './convert.js';
import { convert, type Settings } from './settings.js';
import type { AppSpec, CheaperMode } from './vassal-config.js';

const NAMES = ['cheaper', 'cheaper-initial', 'cheaper-step', 'cheaper-overload', 'cheaper-algo'] as const;
const ticks = boundedInt(1, 3600, 'seconds, checked once a second');

/** The cheaper mode, or undefined without `cheaper`; throws UW_CONFIG_CONFLICT/INVALID_VALUE naming the key. */
export function cheaperMode(settings: Settings, kind: AppSpec['kind'], processes: number): CheaperMode | undefined {
  const cheaper = settings.last('cheaper');
  if (cheaper === undefined) {
    const stray = NAMES.map((name) => settings.last(name)).find((setting) => setting !== undefined);
    if (stray !== undefined) throw new UwError('UW_CONFIG_CONFLICT', `option "${stray.key}" needs "cheaper = N"`, { file: stray.file, key: stray.key });
    return undefined;
  }
  if (kind === 'exec') {
    throw new UwError('UW_CONFIG_CONFLICT', 'option "cheaper" needs Node workers (module or script): an exec worker does not tell the master when it is busy', { file: cheaper.file, key: cheaper.key });
  }
  if (processes < 2) {
    throw new UwError('UW_CONFIG_CONFLICT', `option "cheaper" needs "processes" above it (the most workers), got processes = ${processes}`, { file: cheaper.file, key: cheaper.key });
  }
  const min = convert(cheaper, boundedInt(1, processes - 1, `below processes = ${processes}`));
  const algo = settings.last('cheaper-algo');
  if (algo !== undefined && algo.value !== 'spare') {
    throw new UwError('UW_CONFIG_INVALID_VALUE', `option "cheaper-algo": only "spare" is built, got ${JSON.stringify(algo.value.slice(0, 40))}`, { file: algo.file, key: algo.key });
  }
  const initial = settings.last('cheaper-initial');
  const step = settings.last('cheaper-step');
  const overload = settings.last('cheaper-overload');
  return {
    min,
    initial: initial === undefined ? min : convert(initial, boundedInt(min, processes, `from cheaper = ${min} to processes = ${processes}`)),
    step: step === undefined ? 1 : convert(step, boundedInt(1, processes, `at most processes = ${processes}`)),
    overloadTicks: overload === undefined ? 3 : convert(overload, ticks),
  };
}
