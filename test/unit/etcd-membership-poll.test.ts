// The membership poll (src/emperor/etcd/membership.ts) against a fake etcd
// client on a virtual clock: a malformed members/ key is warned about once
// per revision, not on every one-second poll.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Membership } from '../../src/emperor/etcd/membership.js';
import { VirtualClock } from './emperor-virtual-clock.js';

test('a malformed member key is warned about once per key and revision', async () => {
  const kv = (key: string, value: string, revision: number) => ({ key: Buffer.from(key), value: Buffer.from(value), mod_revision: String(revision) });
  let kvs = [kv('/uw/members/b', JSON.stringify({ id: 'b', labels: [] }), 3), kv('/uw/members/a/x', 'junk', 4)];
  const exec = () => Promise.resolve({ kvs });
  const client = {
    lease: () => ({ on: () => undefined, put: () => ({ value: () => new Promise(() => undefined) }), release: () => undefined, revoke: () => Promise.resolve() }),
    getAll: () => ({ prefix: () => ({ options: () => ({ exec }) }) }),
  };
  const warned: unknown[] = [];
  const logger = { warn: (fields: unknown) => warned.push(fields), info: () => undefined, debug: () => undefined, error: () => undefined };
  const seen: string[][] = [];
  const clock = new VirtualClock();
  const membership = new Membership({
    client: client as never,
    prefix: '/uw/',
    self: { id: 'a', labels: [] } as never,
    ttlSeconds: 10,
    clock,
    logger: logger as never,
    onMembers: (members) => seen.push(members.map((member) => member.id)),
  });
  membership.start();
  await clock.advance(5_000);
  assert.deepEqual(seen.at(-1), ['a', 'b']);
  assert.equal(warned.length, 1, 'five polls, one warning');
  kvs = [kvs[0] as never, kv('/uw/members/a/x', 'junk again', 9)];
  await clock.advance(3_000);
  assert.equal(warned.length, 2, 'the key was written again: one more warning');
  await membership.close();
});
