// The load generator, run as its own process (forked by load.ts, so its CPU is
// measured apart from the server's): N connection loops against 127.0.0.1:PORT,
// each with keep-alive or a new connection per request, closed loop or at a
// fixed total rate. Every request is accounted: a 200 with its latency, or an
// error by kind (ECONNRESET, closed-early, timeout, status-503, ...).
// argv[2]: JSON LoadConfig. Stops after durationMs, or on an IPC { type: 'stop' }.
import { performance } from 'node:perf_hooks';
import { summarize } from './stats.js';
import { HttpConnection } from './http-connection.js';
import type { LoadConfig, LoadResult } from './load-types.js';

const config = JSON.parse(process.argv[2] ?? '{}') as LoadConfig;
const latencies: number[] = [];
const errors: Record<string, number> = {};
const firstErrors: { atMs: number; code: string }[] = [];
const slow: { atMs: number; ms: number }[] = [];
const slowMs = config.slowMs ?? 0;
/** with config.record: every request's send time, ms since the epoch (latency in `latencies`), and each failure's */
const sentAt: number[] = [];
const failedAt: number[] = [];
let ok = 0;
let running = true;
const startedAt = performance.now();
const epochAtStart = Date.now();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function loop(index: number): Promise<void> {
  const connection = new HttpConnection(config.port, config.mode, config.timeoutMs);
  const intervalMs = config.ratePerSec > 0 ? (config.connections / config.ratePerSec) * 1000 : 0;
  let next = startedAt + (intervalMs * index) / config.connections;
  while (running) {
    if (intervalMs > 0) {
      const now = performance.now();
      if (next > now) await sleep(next - now);
      // after a stall, catch up at most one second of missed sends
      next = Math.max(next + intervalMs, performance.now() - 1_000);
      if (!running) break;
    }
    const sent = performance.now();
    const outcome = await connection.request();
    const epochMs = epochAtStart + sent - startedAt;
    if (outcome === 'ok') {
      ok += 1;
      const ms = performance.now() - sent;
      latencies.push(ms);
      if (config.record === true) sentAt.push(epochMs);
      if (slowMs > 0 && ms > slowMs && slow.length < 2_000) slow.push({ atMs: Math.round(epochMs), ms });
    } else {
      errors[outcome] = (errors[outcome] ?? 0) + 1;
      if (config.record === true) failedAt.push(epochMs);
      if (firstErrors.length < 20) firstErrors.push({ atMs: Math.round(epochMs), code: outcome });
      await sleep(1);
    }
  }
  connection.close();
}

function finish(): void {
  const durationMs = performance.now() - startedAt;
  const cpu = process.cpuUsage();
  const failed = Object.values(errors).reduce((sum, n) => sum + n, 0);
  const result: LoadResult = {
    ok,
    failed,
    errors,
    firstErrors,
    durationMs,
    reqPerSec: (ok / durationMs) * 1000,
    latency: summarize(latencies),
    slowOver100ms: latencies.filter((ms) => ms > 100).length,
    slow,
    cpuMs: (cpu.user + cpu.system) / 1000,
    ...(config.record === true && { samples: { sentAt, ms: latencies, failedAt } }),
  };
  process.send?.({ type: 'result', result }, () => process.exit(0));
}

process.on('message', (message) => {
  if ((message as { type?: string }).type === 'stop') running = false;
});
if (config.durationMs > 0) setTimeout(() => (running = false), config.durationMs).unref();
void Promise.all(Array.from({ length: config.connections }, (_, index) => loop(index))).then(finish);
