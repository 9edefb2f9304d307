// Account lookups for tyrant masters are kept for a short while: a burst of
// starts asks the (synchronous, possibly slow) databases once per entry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AccountLookup } from '../../src/emperor/tyrant-account.js';
import { cachedLookup } from '../../src/process/lookup-cache.js';

test('each entry (found or not) is asked once per TTL, apart per database and key; the oldest is forgotten past the bound', () => {
  const asked: string[] = [];
  const lookup: AccountLookup = (database, key) => {
    asked.push(`${database} ${key}`);
    return key === '1001' ? `${database}-line` : undefined;
  };
  let now = 0;
  const cached = cachedLookup(lookup, () => now, 10_000, 2);
  for (let i = 0; i < 5; i++) {
    assert.equal(cached('passwd', '1001'), 'passwd-line');
    assert.equal(cached('passwd', '9'), undefined);
  }
  assert.deepEqual(asked, ['passwd 1001', 'passwd 9']);
  now = 10_000;
  assert.equal(cached('passwd', '1001'), 'passwd-line');
  assert.equal(asked.length, 3, 'asked again once the TTL is over');
  assert.equal(cached('group', '1001'), 'group-line');
  assert.equal(asked.length, 4, 'group and passwd are kept apart');
  // bound 2: group 1001 pushed out passwd 9 (the oldest), which is asked again and pushes out passwd 1001
  cached('passwd', '9');
  assert.equal(asked.length, 5);
  cached('passwd', '1001');
  assert.equal(asked.length, 6, 'passwd 1001 was pushed out');
});
