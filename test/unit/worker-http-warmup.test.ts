import assert from 'node:assert/strict';
import { getActiveResourcesInfo } from 'node:process';
import { test } from 'node:test';
import { warmHttp } from '../../src/worker/http-warmup.js';

test("the warm-up's requests are all answered by Node's HTTP server over the in-memory connection, which leaves nothing open", async () => {
  const before = getActiveResourcesInfo().length;
  // the limit far away: only real answers end it
  assert.equal(await warmHttp(100, 60_000), 100);
  assert.equal(await warmHttp(7, 60_000), 7);
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(getActiveResourcesInfo().length <= before, `resources left: ${getActiveResourcesInfo().join(', ')}`);
});
