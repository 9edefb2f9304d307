// autocannon (keep-alive load) run in its own process, reporting the same
// LoadResult as our own generator plus its CPU time. argv[2]: JSON LoadConfig.
import autocannon from 'autocannon';
import type { LoadConfig, LoadResult } from './load-types.js';

const config = JSON.parse(process.argv[2] ?? '{}') as LoadConfig;
const result = await autocannon({
  url: `http://127.0.0.1:${config.port}/`,
  connections: config.connections,
  duration: config.durationMs / 1000,
  timeout: config.timeoutMs / 1000,
});
const cpu = process.cpuUsage();
const failed = result.errors + result.non2xx;
const out: LoadResult = {
  ok: result['2xx'],
  failed,
  errors: { errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx },
  firstErrors: [],
  durationMs: result.duration * 1000,
  reqPerSec: result['2xx'] / result.duration,
  latency: { n: result['2xx'], p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: result.latency.mean },
  slowOver100ms: Number.NaN,
  slow: [],
  cpuMs: (cpu.user + cpu.system) / 1000,
};
process.send?.({ type: 'result', result: out }, () => process.exit(0));
