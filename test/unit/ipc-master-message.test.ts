// The emperor's check of every message a master sends (a tyrant master runs as
// an app's user and may send anything): whatever arrives, the check never
// throws; every message a real master sends passes unchanged; a wrong type, a
// number that is not finite or out of bounds, an oversize list is refused;
// undeclared fields are dropped; free text is cut, not refused.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { pino } from 'pino';
import { checkMasterMessage, MAX_MASTER_TEXT } from '../../src/ipc/master-message.js';
import type { MasterToEmperor } from '../../src/ipc/protocol.js';
import { masterDocument, type MasterFacts, type WorkerFacts } from '../../src/master/stats-document.js';
import { InvalidMessages, INVALID_REPORT_MS } from '../../src/emperor/invalid-messages.js';

const SEED = 20261129;
const n = fc.nat({ max: 2 ** 40 });
const ms = fc.nat({ max: 2 ** 31 - 1 });
const small = fc.string({ maxLength: 40 });

const workerFacts: fc.Arbitrary<WorkerFacts> = fc.record({
  id: fc.nat({ max: 1024 }),
  pid: fc.option(fc.integer({ min: 1, max: 4_194_304 })),
  generation: fc.nat({ max: 1000 }),
  state: fc.constantFrom('starting', 'ready', 'draining', 'exited'),
  kind: fc.constantFrom('module', 'script', 'exec'),
  paused: fc.boolean(),
  spawnedAt: n,
  respawns: fc.nat(),
  harakiris: fc.nat(),
  activity: fc.option(fc.record({
    requests: n, exceptions: n, tx: n, avgRtUs: fc.double({ min: 0, max: 1e9, noNaN: true }), runningTimeUs: n, inflight: fc.nat({ max: 1000 }),
    current: fc.option(fc.record({ request: small, since: n }), { nil: undefined }),
  }, { requiredKeys: ['requests', 'exceptions', 'tx', 'avgRtUs', 'runningTimeUs', 'inflight'] })),
  previousRequests: n,
  memory: fc.option(fc.record({ rss: n, vsz: n })),
}) as fc.Arbitrary<WorkerFacts>;

const masterFacts: fc.Arbitrary<MasterFacts> = fc.record({
  version: small, vassal: small, pid: fc.integer({ min: 1, max: 4_194_304 }), uid: fc.nat({ max: 2 ** 32 - 2 }), gid: fc.nat({ max: 2 ** 32 - 2 }), cwd: small,
  generation: fc.nat({ max: 1000 }), paused: fc.boolean(), masterRss: n, startedAt: n,
  sockets: fc.array(fc.record({ name: small, proto: fc.constantFrom('http', 'uwsgi'), queue: fc.nat(), max_queue: fc.nat(), shared: fc.constant(0 as const), can_offload: fc.constant(0 as const) }), { maxLength: 4 }),
  workers: fc.array(workerFacts, { maxLength: 8 }),
  retired: fc.record({ requests: n, exceptions: n }),
  logFile: fc.option(small, { nil: undefined }),
});

/** Every message type with the fields a real master sends. */
const validMessage: fc.Arbitrary<MasterToEmperor> = fc.oneof(
  fc.record({ type: fc.constant('master-started' as const), pid: fc.nat(), reloadMercyMs: ms }),
  fc.record({ type: fc.constant('master-ready' as const), pid: fc.nat(), generation: fc.nat() }),
  fc.record({ type: fc.constant('master-reloading' as const), generation: fc.nat() }),
  fc.record({ type: fc.constant('master-reloaded' as const), generation: fc.nat(), ok: fc.boolean(), durationMs: fc.double({ min: 0, max: 1e7, noNaN: true }), reason: small, reloadMercyMs: ms }, { requiredKeys: ['type', 'generation', 'ok', 'durationMs'] }),
  fc.record({ type: fc.constant('master-error' as const), code: fc.constantFrom('UW_SOCKET_BIND', 'UW_CONFIG_SYNTAX'), message: small }),
  fc.record({ type: fc.constant('workers-failing' as const), error: small, failures: fc.nat(), retryInMs: ms }),
  fc.record({ type: fc.constant('workers-recovered' as const), generation: fc.nat() }),
  fc.constantFrom({ type: 'master-paused' as const }, { type: 'master-resumed' as const }, { type: 'master-rescan' as const }, { type: 'kept-sockets-request' as const }),
  fc.record({ type: fc.constant('master-stats' as const), id: fc.nat(), stats: masterFacts.map(masterDocument) }),
  fc.record({ type: fc.constant('master-sos' as const), reason: fc.constantFrom('busy' as const, 'backlog' as const, 'fifo' as const), busyMs: ms, backlog: fc.nat({ max: 65535 }) }, { requiredKeys: ['type', 'reason'] }),
  fc.record({ type: fc.constant('master-idle' as const), idleMs: ms }),
  fc.record({ type: fc.constant('master-heartbeat' as const), everyMs: fc.nat({ max: 86_400_000 }) }),
  fc.record({ type: fc.constant('master-socket' as const), key: small, file: fc.record({ dev: n, ino: n }) }, { requiredKeys: ['type', 'key'] }),
  fc.record({ type: fc.constant('master-sockets' as const), keys: fc.array(small, { maxLength: 8 }) }),
);

/** Every path to a number inside `value`. */
function numberPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'number') return [path];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => numberPaths(inner, [...path, Array.isArray(value) ? Number(key) : key]));
}

function withValueAt(value: unknown, path: readonly (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let at: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path[path.length - 1] as string | number] = replacement;
  return copy;
}

describe('master message check', () => {
  test('anything at all: never throws, and says why in one short line when it refuses', () => {
    fc.assert(fc.property(fc.oneof(fc.anything(), fc.record({ type: fc.constantFrom('master-stats', 'master-reloaded', 'master-socket', 'x') }, { requiredKeys: [] }).chain((base) => fc.dictionary(small, fc.anything()).map((rest) => ({ ...rest, ...base })))), (value) => {
      const checked = checkMasterMessage(value);
      if (!checked.ok) assert.ok(!checked.why.includes('\n') && checked.why.length < 300, checked.why);
    }), { seed: SEED, numRuns: 2_000 });
  });

  test('every message a real master sends (statistics from the real document builder) passes unchanged', () => {
    fc.assert(fc.property(validMessage, (message) => {
      const checked = checkMasterMessage(JSON.parse(JSON.stringify(message)));
      assert.ok(checked.ok, checked.ok ? '' : checked.why);
      assert.deepEqual(checked.message, JSON.parse(JSON.stringify(message)));
    }), { seed: SEED, numRuns: 1_000 });
  });

  test('any number of a valid message replaced by NaN, Infinity, -1, 2^60, a string or null is refused', () => {
    const mutated = validMessage.filter((message) => numberPaths(message).length > 0).chain((message) =>
      fc.tuple(fc.constant(message), fc.constantFrom(...numberPaths(message)), fc.constantFrom<unknown>(Number.NaN, Number.POSITIVE_INFINITY, -1, 2 ** 60, '7', null)));
    fc.assert(fc.property(mutated, ([message, path, bad]) => {
      const stats = path[0] === 'stats';
      // numbers uWSGI's layout pins to 0, and the ignored ones, are replaced by the check itself
      fc.pre(!(stats && ['vars', 'req_info', 'apps', 'locks'].some((key) => path.includes(key))));
      assert.equal(checkMasterMessage(withValueAt(message, path, bad)).ok, false, `${path.join('.')} = ${String(bad)}`);
    }), { seed: SEED, numRuns: 2_000 });
  });

  test('lists are bounded, undeclared fields dropped, __proto__ inert, free text cut', () => {
    assert.equal(checkMasterMessage({ type: 'master-sockets', keys: Array.from({ length: 257 }, (_, i) => String(i)) }).ok, false);
    const checked = checkMasterMessage(JSON.parse(`{"type":"master-ready","pid":1,"generation":2,"junk":"${'x'.repeat(1000)}","__proto__":{"polluted":true}}`));
    assert.ok(checked.ok);
    assert.deepEqual(Object.keys(checked.message).sort(), ['generation', 'pid', 'type']);
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
    const long = checkMasterMessage({ type: 'master-error', code: 'UW_X', message: 'y'.repeat(MAX_MASTER_TEXT * 4) });
    assert.ok(long.ok && long.message.type === 'master-error' && long.message.message.length === MAX_MASTER_TEXT);
    const noType = checkMasterMessage({ cmd: 'NODE_HANDLE' });
    assert.deepEqual(noType, { ok: false, why: 'no type' });
    assert.match((checkMasterMessage({ type: 'master-heartbeat', everyMs: 2 ** 40 }) as { why: string }).why, /^master-heartbeat\.everyMs: expected an integer|^master-heartbeat\.everyMs: expected a finite number/);
  });

  test('invalid messages are reported at most once per period, with the count dropped', () => {
    const lines: Record<string, unknown>[] = [];
    let now = 0;
    const report = new InvalidMessages(pino({}, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }), () => now);
    for (let i = 0; i < 10_000; i++) report.drop('a line that is not JSON');
    assert.equal(lines.length, 1);
    now += INVALID_REPORT_MS;
    report.drop('no type');
    assert.deepEqual(lines.map((line) => [line.msg, line.dropped]), [['master message dropped', 1], ['master message dropped', 10_000]]);
  });
});
