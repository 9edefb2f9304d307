import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Etcd3, Lease } from 'etcd3';
import { pino } from 'pino';
import { StatusWriter } from '../../src/emperor/etcd/status-writer.js';
import type { EmperorStatsDocument } from '../../src/stats/emperor-document.js';
import { emperor, master, vassal, worker } from './cli-documents.js';
import { VirtualClock } from './emperor-virtual-clock.js';

/** What the writer did to etcd, in order. */
type Write = readonly ['put', string, Lease] | readonly ['delete', string];

/** A stand-in for the etcd3 builders the writer uses: `put(key).value(v).options(o)` and `delete().key(k).options(o)`. */
function fakeEtcd(writes: Write[]) {
  const lease = (): Lease => {
    const self = { put: (key: string) => ({ value: () => ({ options: () => (writes.push(['put', key, self as unknown as Lease]), Promise.resolve()) }) }) };
    return self as unknown as Lease;
  };
  const client = { delete: () => ({ key: (key: string) => ({ options: () => (writes.push(['delete', key]), Promise.resolve()) }) }) } as unknown as Etcd3;
  return { lease, client };
}

/** The emperor's document at `clock`'s time: masters started at time 0, so their uptime grows with it. */
const docAt = (clock: VirtualClock) => (requests: number, names: readonly string[] = ['app.ini']) =>
  emperor(names.map((name) => vassal(`vassals/${name}`, 10, master(name, 10, [worker(1, 11, { requests })]), { monitor: 'etcd://e/uw', uptime_ms: clock.now() })));

describe('status writer', () => {
  it('writes each vassal once a second at most, only on change, deletes a stopped one, and rewrites all under a new lease', async () => {
    const clock = new VirtualClock();
    const doc = docAt(clock);
    const writes: Write[] = [];
    const log = (from = 0) => writes.slice(from).map(([op, key]) => `${op} ${key}`);
    const etcd = fakeEtcd(writes);
    let lease: Lease | null = null;
    let current: () => EmperorStatsDocument = () => doc(1);
    const writer = new StatusWriter({
      client: etcd.client, prefix: '/uw/', hostId: 'h1', clock, logger: pino({ level: 'silent' }),
      lease: () => lease, document: () => Promise.resolve(current()), nameOf: (entry) => entry.id.slice('vassals/'.length),
    });
    writer.start();
    await clock.advance(1_000);
    assert.deepEqual(log(), [], 'no lease yet: nothing written');

    lease = etcd.lease();
    await clock.advance(1_000);
    assert.deepEqual(log(), ['put /uw/status/h1/app.ini']);
    await clock.advance(5_000);
    assert.equal(writes.length, 1, 'unchanged: no write');

    current = () => doc(2, ['app.ini', 'b.ini']);
    await clock.advance(1_000);
    assert.deepEqual(log(1), ['put /uw/status/h1/app.ini', 'put /uw/status/h1/b.ini']);
    for (let n = 3; n < 8; n++) {
      const requests = n;
      current = () => doc(requests, ['app.ini', 'b.ini']);
      await clock.advance(200);
    }
    await clock.advance(1_000);
    assert.ok(writes.length <= 3 + 2 * 2, `changes 5 times in 1.2 s, written at most once a second per vassal (${writes.length} writes)`);

    const before = writes.length;
    current = () => doc(7, ['b.ini']);
    await clock.advance(1_000);
    assert.deepEqual(log(before), ['delete /uw/status/h1/app.ini']);

    lease = etcd.lease();
    await clock.advance(1_000);
    const last = writes.at(-1);
    assert.equal(last?.[1], '/uw/status/h1/b.ini', 'a new lease: the unchanged record is put again');
    assert.equal(last?.[0] === 'put' ? last[2] : null, lease);
    writer.close();
    assert.equal(clock.pending, 0);
  });
});
