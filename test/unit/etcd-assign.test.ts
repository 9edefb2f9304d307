import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignMembers, type PlacementMember } from '../../src/emperor/etcd/assign.js';

const member = (id: string, ...labels: string[]): PlacementMember => ({ id, labels });
const hosts = (count: number): PlacementMember[] => Array.from({ length: count }, (_, i) => member(`host-${i + 1}`));
const names = (count: number): string[] => Array.from({ length: count }, (_, i) => `app-${i}.ini`);

/** vassal -> its members, for every name. */
function assignAll(vassals: readonly string[], members: readonly PlacementMember[], instances?: number): Map<string, string[]> {
  return new Map(vassals.map((name) => [name, assignMembers(name, instances === undefined ? {} : { instances }, members)]));
}

describe('placement: rendezvous hashing', () => {
  it('is the same whatever order the members are listed in', () => {
    const members = hosts(7);
    const shuffled = [members[3], members[6], members[0], members[5], members[1], members[4], members[2]] as PlacementMember[];
    for (const name of names(200)) assert.deepEqual(assignMembers(name, { instances: 3 }, shuffled), assignMembers(name, { instances: 3 }, members));
  });

  it('runs on every eligible member by default, on `instances` of them when asked, and on all when fewer are eligible', () => {
    assert.equal(assignMembers('a.ini', {}, hosts(5)).length, 5);
    assert.equal(assignMembers('a.ini', { instances: 2 }, hosts(5)).length, 2);
    assert.deepEqual(assignMembers('a.ini', { instances: 4 }, hosts(2)).sort(), ['host-1', 'host-2']);
    assert.deepEqual(assignMembers('a.ini', { instances: 1 }, []), []);
  });

  it('places only on members whose id matches `hosts` and that carry every label', () => {
    const members = [member('web-1', 'ssd', 'eu'), member('web-2', 'eu'), member('db-1', 'ssd', 'eu'), member('web-3', 'ssd')];
    assert.deepEqual(assignMembers('a.ini', { hosts: 'web-*' }, members).sort(), ['web-1', 'web-2', 'web-3']);
    assert.deepEqual(assignMembers('a.ini', { labels: ['ssd', 'eu'] }, members).sort(), ['db-1', 'web-1']);
    assert.deepEqual(assignMembers('a.ini', { hosts: 'web-[12]', labels: ['ssd'] }, members), ['web-1']);
    assert.deepEqual(assignMembers('a.ini', { hosts: 'cache-*' }, members), []);
  });

  it('spreads vassals evenly: with 5 members each gets 20% +- 4% of 5,000 vassals', () => {
    const counts = new Map<string, number>();
    for (const [, chosen] of assignAll(names(5_000), hosts(5), 1)) for (const id of chosen) counts.set(id, (counts.get(id) ?? 0) + 1);
    assert.equal(counts.size, 5);
    for (const [id, n] of counts) assert.ok(n > 800 && n < 1_200, `${id} got ${n} of 5000`);
  });

  it('a member leaving moves only its own vassals; coming back moves exactly those back (no flapping)', () => {
    const all = hosts(5);
    const vassals = names(2_000);
    const before = assignAll(vassals, all, 1);
    const without = assignAll(vassals, all.filter((m) => m.id !== 'host-3'), 1);
    let moved = 0;
    for (const name of vassals) {
      const [was] = before.get(name) ?? [];
      const [now] = without.get(name) ?? [];
      if (was === 'host-3') moved += 1;
      else assert.equal(now, was, `${name} moved from ${was} to ${now} though its member stayed`);
    }
    // about 1/N of them: those host-3 had
    assert.ok(moved > 300 && moved < 500, `${moved} of 2000 moved`);
    assert.deepEqual(assignAll(vassals, all, 1), before);
  });

  it('a member joining takes about 1/(N+1) of the vassals and nothing else moves', () => {
    const vassals = names(2_000);
    const before = assignAll(vassals, hosts(4), 1);
    const after = assignAll(vassals, hosts(5), 1);
    let taken = 0;
    for (const name of vassals) {
      const [was] = before.get(name) ?? [];
      const [now] = after.get(name) ?? [];
      if (now === 'host-5') taken += 1;
      else assert.equal(now, was, `${name} moved between two old members`);
    }
    assert.ok(taken > 320 && taken < 480, `${taken} of 2000 went to the new member`);
  });

  it('with instances = 2, losing a member keeps every surviving instance where it was', () => {
    const all = hosts(4);
    const vassals = names(1_000);
    const before = assignAll(vassals, all, 2);
    const without = assignAll(vassals, all.filter((m) => m.id !== 'host-2'), 2);
    let changed = 0;
    for (const name of vassals) {
      const was = before.get(name) ?? [];
      const now = without.get(name) ?? [];
      assert.equal(now.length, 2);
      for (const id of was.filter((id) => id !== 'host-2')) assert.ok(now.includes(id), `${name} lost its instance on ${id}`);
      if (was.includes('host-2')) changed += 1;
      else assert.deepEqual([...now].sort(), [...was].sort());
    }
    // host-2 held 2 of the 4 slots' worth: about half the vassals had an instance there
    assert.ok(changed > 400 && changed < 600, `${changed} of 1000 changed`);
  });
});
