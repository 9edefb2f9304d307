import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { assignMembers } from '../../src/emperor/etcd/assign.js';
import { ClusterPlacement } from '../../src/emperor/etcd/cluster-placement.js';
import { VirtualClock } from './emperor-virtual-clock.js';

const member = (id: string) => ({ id, labels: [] });
const TTL_MS = 10_000;

/** A placement for host `self`, whose look at other hosts' status keys answers from `serving`. */
function placement(self: string, throws = false) {
  const clock = new VirtualClock();
  const serving = new Set<string>();
  const looks: string[] = [];
  const place = new ClusterPlacement({
    self: member(self),
    clock,
    logger: pino({ level: 'silent' }),
    holdMs: TTL_MS,
    serves: (host, name) => {
      looks.push(`${host}/${name}`);
      if (throws) throw new Error('etcd client broke');
      return Promise.resolve(serving.has(`${host}/${name}`));
    },
  });
  let changes = 0;
  place.onChange(() => (changes += 1));
  return { clock, serving, looks, place, changes: () => changes };
}

/** A vassal name that rendezvous hashing puts on `to` (instances = 1) among `among`, and not on `self` among `among` minus `to`. */
function vassalOwnedBy(to: string, self: string, among: readonly string[]): string {
  for (let i = 0; ; i++) {
    const name = `app-${i}.ini`;
    const [first] = assignMembers(name, { instances: 1 }, among.map(member));
    const [without] = assignMembers(name, { instances: 1 }, among.filter((id) => id !== to).map(member));
    if (first === to && without === self) return name;
  }
}

describe('cluster placement', () => {
  it('answers from rendezvous hashing over the members it was given, and tells listeners when they change', () => {
    const { place, changes } = placement('a');
    assert.equal(place.isMine('app.ini', {}), true, 'before the first listing this host counts itself');
    assert.equal(place.isMine('b-only.ini', { hosts: 'b' }), false);
    place.setMembers([member('a'), member('b')]);
    assert.equal(changes(), 1);
    assert.equal(place.isMine('app.ini', {}), true);
    assert.equal(place.isMine('other.ini', { hosts: 'b' }), false);
  });

  it('a vassal that moves to a joining member is kept until that member serves it, then let go', async () => {
    const { clock, serving, place, changes } = placement('a');
    const name = vassalOwnedBy('c', 'a', ['a', 'b', 'c']);
    const attrs = { instances: 1 };
    place.setMembers([member('a'), member('b')]);
    assert.equal(place.isMine(name, attrs), true);
    place.setMembers([member('a'), member('b'), member('c')]);
    assert.equal(place.isMine(name, attrs), true, 'kept while c starts it');
    await clock.advance(3_000);
    assert.equal(place.isMine(name, attrs), true, 'c does not serve it yet');
    const before = changes();
    serving.add(`c/${name}`);
    await clock.advance(1_000);
    assert.equal(changes(), before + 1, 'the handover ending is a change');
    assert.equal(place.isMine(name, attrs), false);
  });

  it('a handover ends after one TTL even if the new host never serves, and polling stops', async () => {
    const { clock, place } = placement('a');
    const name = vassalOwnedBy('c', 'a', ['a', 'b', 'c']);
    place.setMembers([member('a'), member('b')]);
    place.isMine(name, { instances: 1 });
    place.setMembers([member('a'), member('b'), member('c')]);
    assert.equal(place.isMine(name, { instances: 1 }), true);
    await clock.advance(TTL_MS - 1_000);
    assert.equal(place.isMine(name, { instances: 1 }), true);
    await clock.advance(2_000);
    assert.equal(place.isMine(name, { instances: 1 }), false);
    assert.equal(clock.pending, 0);
  });

  it('a handover check that fails is polled again: the hold still ends after one TTL', async () => {
    const { clock, place, looks } = placement('a', true);
    const name = vassalOwnedBy('c', 'a', ['a', 'b', 'c']);
    place.setMembers([member('a'), member('b')]);
    place.isMine(name, { instances: 1 });
    place.setMembers([member('a'), member('b'), member('c')]);
    assert.equal(place.isMine(name, { instances: 1 }), true);
    await clock.advance(3_000);
    assert.ok(looks.length >= 2, `the check ran again after failing (${looks.length} looks)`);
    await clock.advance(TTL_MS);
    assert.equal(place.isMine(name, { instances: 1 }), false, 'not run on two hosts past the TTL');
    assert.equal(clock.pending, 0);
  });

  it('a vassal never run here is not kept, and one no member is eligible for is let go at once', () => {
    const { place, looks } = placement('a');
    place.setMembers([member('a'), member('b')]);
    assert.equal(place.isMine('x.ini', { hosts: 'b' }), false);
    assert.equal(place.isMine('y.ini', {}), true);
    assert.equal(place.isMine('y.ini', { hosts: 'z*' }), false);
    assert.deepEqual(looks, []);
  });
});
