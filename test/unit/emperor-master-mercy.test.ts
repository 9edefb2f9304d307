// The emperor never SIGKILLs a stopping master before the master's own
// reload-mercy (plus a margin) has run out, and its default is long enough for
// uw's default (a vassal's use of it: emperor-vassal.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argvToSources } from '../../src/config/argv.js';
import { loadConfig } from '../../src/config/load.js';
import { EMPEROR_DEFAULTS } from '../../src/emperor/emperor-settings.js';
import { MASTER_EXIT_MARGIN_MS, stopGraceMs } from '../../src/emperor/master-mercy.js';
import { APPS } from '../helpers/paths.js';

test('the grace is the emperor\'s mercy, or the master\'s plus the margin when that is longer', () => {
  assert.equal(stopGraceMs(30_000, null), 30_000);
  assert.equal(stopGraceMs(30_000, 10_000), 30_000);
  assert.equal(stopGraceMs(30_000, 60_000), 60_000 + MASTER_EXIT_MARGIN_MS);
  // never past what a Node timer can wait (a longer one would fire at once)
  assert.equal(stopGraceMs(65_000, 2_147_483_000), 2 ** 31 - 1);
});

test("the emperor's default mercy covers uw's default reload-mercy plus the margin", async () => {
  const config = await loadConfig({ sources: argvToSources(['--http-socket', ':0', '--module', `${APPS}hello.mjs`]), cwd: '/', env: {} });
  assert.ok(EMPEROR_DEFAULTS.reloadMercyMs >= config.reloadMercyMs + MASTER_EXIT_MARGIN_MS, `${EMPEROR_DEFAULTS.reloadMercyMs} < ${config.reloadMercyMs} + margin`);
});
