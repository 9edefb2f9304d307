// The stats commands' formatting on fixed documents: human units, the ls table
// (exact lines, narrow terminals, vassals without figures), ls --json rows,
// rates from two collections, and the stats summary.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable } from '../../src/cli/format-table.js';
import { humanBytes, humanDuration, humanMicros, humanRate } from '../../src/cli/format-units.js';
import { formatLs, printLs } from '../../src/cli/ls-format.js';
import { lsRows } from '../../src/cli/ls-rows.js';
import { measureRates } from '../../src/cli/stats-rates.js';
import { formatStatsSummary } from '../../src/cli/stats-summary.js';
import { emperor, master, threeVassals, vassal, worker } from './cli-documents.js';

const T0 = 1_800_000_300_000;

describe('human units', () => {
  it('durations in one unit, rounded down', () => {
    assert.deepEqual([0, 5_999, 60_000, 3_599_000, 7_200_000, 4 * 86_400_000 + 1].map(humanDuration), ['0s', '5s', '1m', '59m', '2h', '4d']);
    assert.equal(humanDuration(null), '-');
    assert.equal(humanDuration(-1), '-');
  });

  it('sizes in binary units with one decimal', () => {
    assert.deepEqual([0, 1023, 1024, 47_395_635, 3 * 1024 ** 3].map(humanBytes), ['0 B', '1023 B', '1.0 KiB', '45.2 MiB', '3.0 GiB']);
    assert.equal(humanBytes(null), '-');
  });

  it('rates and response times', () => {
    assert.deepEqual([null, 0, 3.456, 99.94, 120.4].map(humanRate), ['-', '0', '3.5', '99.9', '120']);
    assert.deepEqual([850, 12_345, 1_234_567].map(humanMicros), ['850us', '12.3ms', '1.2s']);
  });
});

describe('tables', () => {
  const columns = [
    { header: 'NAME', align: 'left' },
    { header: 'N', align: 'right' },
    { header: 'NOTE', align: 'left', flex: true },
  ] as const;

  it('sizes columns to their contents, right-aligns numbers, leaves no trailing spaces', () => {
    assert.deepEqual(formatTable(columns, [['a', '1', ''], ['bbbb', '1234', 'hello']], null), ['NAME     N  NOTE', 'a        1', 'bbbb  1234  hello']);
  });

  it('cuts the flexible column, then the line, so nothing is wider than the terminal', () => {
    const rows = [['bbbb', '1234', 'a long explanation of what went wrong']];
    assert.deepEqual(formatTable(columns, rows, 30), ['NAME     N  NOTE', 'bbbb  1234  a long explanatio…']);
    for (const width of [30, 20, 12, 5, 1]) {
      for (const line of formatTable(columns, rows, width)) assert.ok([...line].length <= width, `${JSON.stringify(line)} is wider than ${width}`);
    }
  });
});

describe('uwemperor ls', () => {
  it('prints one exact line per vassal; no figures where the master gave none', () => {
    assert.deepEqual(formatLs(lsRows(threeVassals()), null), [
      'VASSAL      STATE   PID  UPTIME  WORKERS  REQUESTS       RSS  RESTARTS  LAST ERROR',
      'api.ini     ready   201      5m      2/2     10000  70.0 MiB         0',
      'broken.ini  broken    -       -        -         -         -         0  config error: unknown option "proceses" (did you mean "processes"?) [UW_CONFIG_UNKNOWN_OPTION]',
      'hung.ini    ready   301      2h        -         -         -         2  no answer',
    ]);
  });

  it('on a terminal, names the emperor that answered above the table; to a pipe, the table alone', () => {
    const printed = (tty: boolean, columns: number | null): string => {
      let text = '';
      printLs({ tty, columns, write: (chunk) => void (text += chunk) }, threeVassals(), lsRows(threeVassals()));
      return text;
    };
    const [first, header] = printed(true, null).split('\n');
    assert.equal(first, 'emperor pid 100 (uwemperor 0.1.0) watching /srv/vassals: 3 vassals, 2 ready, 10000 requests, RSS 70.0 MiB');
    assert.equal(header, '\x1b[1mVASSAL      STATE   PID  UPTIME  WORKERS  REQUESTS       RSS  RESTARTS  LAST ERROR\x1b[0m');
    assert.equal(printed(true, 30).split('\n')[0], 'emperor pid 100 (uwemperor 0.…');
    assert.equal(printed(false, null), `${formatLs(lsRows(threeVassals()), null).join('\n')}\n`);
  });

  it('cuts the last error to an 80-column terminal and never wraps a narrower one', () => {
    const lines = formatLs(lsRows(threeVassals()), 80);
    assert.equal(lines[2], 'broken.ini  broken    -       -        -         -         -         0  config …');
  });

  it("names a config error without the vassal file's path, which the VASSAL column shows; an include chain stays", () => {
    const broken = (error: string): string => formatLs(lsRows(emperor([vassal('sub/app.ini', 0, null, { state: 'broken', error })])), null)[1] ?? '';
    assert.match(broken('config error in /etc/uw/sub/app.ini: unknown option "x" [UW_CONFIG_UNKNOWN_OPTION]'), / {2}config error: unknown option "x" \[UW_CONFIG_UNKNOWN_OPTION\]$/);
    assert.match(broken('config error in /etc/uw/sub/app.ini -> base.ini: option "listen": bad [UW_CONFIG_INVALID_VALUE]'), / {2}config error in \/etc\/uw\/sub\/app\.ini -> base\.ini: option "listen"/);
    assert.match(broken('config error in /etc/uw/other.ini: bad'), / {2}config error in \/etc\/uw\/other\.ini: bad$/);
    for (const width of [80, 60, 40, 20]) {
      for (const line of formatLs(lsRows(threeVassals()), width)) assert.ok([...line].length <= width, `${JSON.stringify(line)} is wider than ${width}`);
    }
  });

  it('an exec vassal, whose requests uw does not count: "-" and null, not 0', () => {
    const exec = emperor([vassal('py.ini', 40, master('py.ini', 40, [worker(1, 41, { kind: 'exec', counted: false, requests: 0 })], { total_requests: 0 }))]);
    const [row] = lsRows(exec);
    assert.equal(row?.requests, null);
    assert.match(formatLs(lsRows(exec), null)[1] ?? '', /^py\.ini +ready +40 +\S+ +1\/1 +- /);
    assert.match(formatStatsSummary(exec, null, T0)[2] ?? '', /requests - {2}exceptions -/);
  });

  it('--json rows: figures in bytes and ms, null (never 0) where unknown, "no answer" for a silent master', () => {
    const [api, broken, hung] = lsRows(threeVassals());
    assert.deepEqual(api, {
      vassal: 'api.ini', state: 'ready', retry_in_ms: null, pid: 201, uptime_ms: 300_000, workers_ready: 2, workers_total: 2, requests: 10_000,
      rss_bytes: 70 * 1024 * 1024, restarts: 0, worker_respawns: 0, answered: true, last_heartbeat: null, error: null,
    });
    assert.equal(broken?.pid, null);
    assert.equal(broken?.requests, null);
    assert.match(broken?.error ?? '', /^config error in broken.ini/);
    assert.deepEqual([hung?.answered, hung?.requests, hung?.error, hung?.restarts], [false, null, 'no answer', 2]);
  });

  it('--json rows: the last heartbeat; a SIGHUP the master did not acknowledge', () => {
    const [row] = lsRows(emperor([vassal('hb.ini', 10, null, { last_heartbeat: 1_800_000_100, unanswered: 'SIGHUP', state: 'reloading' })]));
    assert.equal(row?.last_heartbeat, 1_800_000_100);
    assert.equal(row?.error, 'no answer to SIGHUP');
  });

  it('shows how long a vassal backing off has left before its next start', () => {
    const doc = emperor([vassal('flaky.ini', 0, null, { state: 'backoff', retry_in_ms: 4_500, uptime_ms: null, error: 'exit code 75: address already in use' })]);
    assert.deepEqual(formatLs(lsRows(doc), null)[1], 'flaky.ini  backoff 4s    -       -        -         -    -         0  exit code 75: address already in use');
  });

  it('counts accepting workers of the current generation only (old ones draining during a reload are not "total")', () => {
    const workers = [worker(1, 11, { generation: 1, state: 'draining' }), worker(1, 12, { generation: 2 }), worker(2, 13, { generation: 2, state: 'starting', accepting: 0 })];
    const [row] = lsRows(emperor([vassal('a.ini', 10, master('a.ini', 10, workers, { generation: 2 }))]));
    assert.deepEqual([row?.workers_ready, row?.workers_total], [1, 2]);
  });

  it('shows REQ/S only when measured, and says when there are no vassals', () => {
    const rates = measureRates(threeVassals(T0), threeVassals(T0 + 2000, [6100, 4100]));
    assert.ok(rates !== null);
    const lines = formatLs(lsRows(threeVassals(T0 + 2000, [6100, 4100]), rates), null);
    assert.match(lines[0] ?? '', /REQUESTS {2}REQ\/S/);
    assert.match(lines[1] ?? '', /^api\.ini .* 10200 {4}100 {2}70\.0 MiB/);
    assert.deepEqual(formatLs([], 80), ['no vassals']);
  });
});

describe('rates', () => {
  it('divides the requests between two collections by the time between them, per vassal and per worker', () => {
    const rates = measureRates(threeVassals(T0), threeVassals(T0 + 2000, [6100, 4010]));
    assert.deepEqual([...(rates?.vassals ?? [])], [['api.ini', 55]]);
    assert.deepEqual([...(rates?.workers.values() ?? [])], [50, 5]);
  });

  it('gives none for the same collection, a new master pid, or a worker that was replaced', () => {
    assert.equal(measureRates(threeVassals(T0), threeVassals(T0)), null);
    const before = emperor([vassal('a.ini', 10, master('a.ini', 10, [worker(1, 11, { requests: 50 })]))], T0);
    const newMaster = emperor([vassal('a.ini', 20, master('a.ini', 20, [worker(1, 21, { requests: 5 })]))], T0 + 1000);
    assert.equal(measureRates(before, newMaster)?.vassals.size, 0);
    const newWorker = emperor([vassal('a.ini', 10, master('a.ini', 10, [worker(1, 12, { requests: 5 })], { total_requests: 55 }))], T0 + 1000);
    const rates = measureRates(before, newWorker);
    assert.equal(rates?.vassals.get('a.ini'), 5);
    assert.equal(rates?.workers.size, 0);
  });
});

describe('uwemperor stats', () => {
  it('summarises the emperor, each vassal and each worker', () => {
    const lines = formatStatsSummary(threeVassals(), null, T0);
    assert.equal(lines[0], 'emperor pid 100 (uwemperor 0.1.0) watching /srv/vassals: 3 vassals, 2 ready, 10000 requests, RSS 70.0 MiB');
    assert.equal(lines[2], 'api.ini  ready  master 201  up 5m  generation 1  requests 10000  exceptions 0  listen queue 0  RSS 70.0 MiB (master 30.0 MiB)  restarts 0');
    assert.equal(lines[3], '  sockets: 127.0.0.1:8080 (http, queue 0/511)');
    assert.equal(lines[4], '  WORKER  PID  STATE  STATUS  REQUESTS  EXC  AVG RT       RSS  RESPAWNS  UP  CURRENT');
    assert.equal(lines[6], '       2  203  ready  busy        4000    0   1.2ms  20.0 MiB         0  5m  GET /slow for 3s');
    assert.match(lines[8] ?? '', /^broken\.ini {2}broken {2}restarts 0 {2}error: config error in broken\.ini/);
    assert.equal(lines[10], 'hung.ini  ready  master 301  up 2h  restarts 2  error: no answer');
  });

  it('fits a narrow terminal', () => {
    for (const line of formatStatsSummary(threeVassals(), 40, T0)) assert.ok([...line].length <= 40, `${JSON.stringify(line)} is wider than 40`);
  });
});
