import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMemberRecord } from '../../src/emperor/etcd/member-record.js';
import { parseStatusRecord, statusChanged, statusRecord } from '../../src/emperor/etcd/status-record.js';
import { formatClusterLs } from '../../src/cli/ls-cluster-format.js';
import { clusterRows } from '../../src/cli/ls-cluster-rows.js';
import { master, threeVassals, vassal, worker } from './cli-documents.js';

const NOW = 1_800_000_300_000;
const MiB = 1024 * 1024;

describe('cluster status records', () => {
  it('carries the figures of uwemperor ls, with a start time instead of an uptime', () => {
    const [api, broken] = threeVassals(NOW).vassals;
    const record = statusRecord(api as never, NOW);
    assert.deepEqual({ ...record, updated_at: 0 }, {
      state: 'ready', pid: 201, serving: true, started_at: NOW - 300_000, workers_ready: 2, workers_total: 2, requests: 10_000,
      rss_bytes: 70 * MiB, restarts: 0, error: null, updated_at: 0,
    });
    const down = statusRecord(broken as never, NOW);
    assert.equal(down.state, 'broken');
    assert.equal(down.serving, false);
    assert.equal(down.pid, null);
    assert.match(down.error ?? '', /unknown option "proceses"/);
  });

  it('counts as changed only what an operator would notice: not time passing, not RSS within the MiB', () => {
    const doc = (requests: number, rssKiB: number, uptimeMs: number) =>
      vassal('a.ini', 9, master('a.ini', 9, [worker(1, 10, { requests, rss: rssKiB * 1024 })], { master_rss: 0 }), { uptime_ms: uptimeMs });
    const first = statusRecord(doc(5, 20_480, 60_000), NOW);
    assert.equal(statusChanged(undefined, first), true);
    assert.equal(statusChanged(first, statusRecord(doc(5, 20_500, 61_000), NOW + 1_000)), false, 'a second later, 20 KiB more');
    assert.equal(statusChanged(first, statusRecord(doc(6, 20_480, 61_000), NOW + 1_000)), true, 'one more request');
    assert.equal(statusChanged(first, statusRecord(doc(5, 22_528, 61_000), NOW + 1_000)), true, '2 MiB more');
  });

  it('reads back only records an emperor writes', () => {
    const record = statusRecord(threeVassals(NOW).vassals[0] as never, NOW);
    assert.deepEqual(parseStatusRecord(JSON.stringify(record)), record);
    assert.equal(parseStatusRecord('not json'), null);
    assert.equal(parseStatusRecord('{"state": 3}'), null);
    assert.equal(parseStatusRecord('[]'), null);
  });

  it('reads a member record, refusing a bad id or value', () => {
    const value = JSON.stringify({ id: 'h1', labels: ['ssd'], capacity: { cpus: 4, memory_bytes: 8 }, pid: 1, version: '1', started_at: 2 });
    assert.deepEqual(parseMemberRecord('/p/', '/p/members/h1', value)?.labels, ['ssd']);
    assert.equal(parseMemberRecord('/p/', '/p/members/h1', '{"labels": "ssd"}'), null);
    assert.equal(parseMemberRecord('/p/', '/p/members/..', value), null);
    assert.equal(parseMemberRecord('/p/', '/p/members/a/b', value), null);
  });
});

describe('uwemperor ls --cluster rows', () => {
  it('one row per vassal per host, by host then vassal, with the age of each record; foreign keys left out', () => {
    const [api, broken] = threeVassals(NOW).vassals;
    const keys = [
      { key: '/p/status/web-2/vassals/api.ini', value: JSON.stringify(statusRecord(api as never, NOW - 4_000)) },
      { key: '/p/status/web-1/vassals/broken.ini', value: JSON.stringify(statusRecord(broken as never, NOW - 1_000)) },
      { key: '/p/status/web-1/vassals/api.ini', value: JSON.stringify(statusRecord(api as never, NOW - 2_000)) },
      { key: '/p/status/web-1/hosts/web-1/vassals/api.ini', value: JSON.stringify(statusRecord(api as never, NOW - 3_000)) },
      { key: '/p/status/web-1/vassals/nested/x.ini', value: '{}' },
      { key: '/p/status/web-1/hosts/web-2/vassals/api.ini', value: JSON.stringify(statusRecord(api as never, NOW)) },
      { key: '/p/status/web-3/vassals/garbage.ini', value: 'garbage' },
      { key: '/p/status/web\u001b]0;owned\u0007/vassals/api.ini', value: JSON.stringify(statusRecord(api as never, NOW)) },
      { key: '/p/status/web-4/vassals/\u001b[31mred.ini', value: JSON.stringify(statusRecord(api as never, NOW)) },
      { key: '/p/status/web-4/api.ini', value: JSON.stringify(statusRecord(api as never, NOW)) },
    ];
    const rows = clusterRows('/p/status/', keys, NOW);
    assert.deepEqual(rows.map((row) => [row.host, row.vassal, row.updated_ms_ago]), [
      ['web-1', 'api.ini', 2_000],
      ['web-1', 'broken.ini', 1_000],
      ['web-1', 'hosts/web-1/vassals/api.ini', 3_000],
      ['web-2', 'api.ini', 4_000],
    ]);
    assert.equal(rows[0]?.uptime_ms, 302_000);
    const lines = formatClusterLs(rows, ['web-1', 'web-2'], null);
    assert.match(lines[0] ?? '', /^HOST\s+VASSAL\s+STATE\s+PID.*UPDATED\s+LAST ERROR$/);
    assert.match(lines[1] ?? '', /^web-1\s+api\.ini\s+ready\s+201\s+5m\s+2\/2\s+10000\s+70\.0 MiB\s+0\s+2s ago/);
    assert.match(lines[2] ?? '', /broken.*unknown option/);
    assert.equal(lines.at(-1), '2 members: web-1, web-2');
    assert.deepEqual(formatClusterLs([], [], null), ['no vassals', '0 members: -']);
  });

  it('a record\'s state and error reach the terminal with their control characters made visible', () => {
    const [api] = threeVassals(NOW).vassals;
    const hostile = { ...statusRecord(api as never, NOW), state: 'ready\u001b]52;c;cm0gLXJmIC8=\u0007', error: 'boom\u001b[2J\r\nfake line' };
    const rows = clusterRows('/p/status/', [{ key: '/p/status/web-1/vassals/api.ini', value: JSON.stringify(hostile) }], NOW);
    const text = formatClusterLs(rows, ['web-1'], null).join('\n');
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    assert.doesNotMatch(text, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    assert.match(text, /ready\?\]52;c;cm0gLXJmIC8=\?/);
    assert.match(text, /boom\?\[2J\?\?fake line/);
  });
});
