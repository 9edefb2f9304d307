// The emperor never SIGKILLs a stopping master before the master's own
// reload-mercy (plus a margin) has run out, and its default is long enough for
// uw's default.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { test } from 'node:test';
import { pino } from 'pino';
import { argvToSources } from '../../src/config/argv.js';
import { loadConfig } from '../../src/config/load.js';
import { EMPEROR_DEFAULTS } from '../../src/emperor/emperor-settings.js';
import { MASTER_EXIT_MARGIN_MS, stopGraceMs } from '../../src/emperor/master-mercy.js';
import { DEFAULT_RESTART_POLICY } from '../../src/emperor/restart-policy.js';
import { Vassal } from '../../src/emperor/vassal.js';
import { FakeChild } from './emperor-fake-child.js';
import { VirtualClock } from './emperor-virtual-clock.js';
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

/** A vassal on a fake child; returns the graces its stops were given. */
function vassalOnFakeChild(): { vassal: Vassal; child: FakeChild; stops: number[] } {
  const children: FakeChild[] = [];
  const stops: number[] = [];
  const jobs: (() => Promise<void>)[] = [];
  const vassal = new Vassal('app.ini', '/v/app.ini', { ino: 1n, size: 1n, mtimeNs: 1n }, {
    clock: new VirtualClock(),
    logger: pino({ level: 'silent' }),
    policy: DEFAULT_RESTART_POLICY,
    reloadMercyMs: 1_000,
    startSlotMs: 30_000,
    enqueueStart: (job) => jobs.push(job),
    spawnMaster: () => {
      const child = new FakeChild();
      children.push(child);
      return child as unknown as ChildProcess;
    },
    stopMaster: (_child, graceMs) => {
      stops.push(graceMs);
      return Promise.resolve();
    },
    onStopped: () => undefined,
  });
  void jobs.shift()?.();
  const child = children[0];
  assert.ok(child);
  return { vassal, child, stops };
}

test('a vassal stops its master with the mercy the master reported, the latest one winning', () => {
  const { vassal, child, stops } = vassalOnFakeChild();
  child.emit('message', { type: 'master-started', pid: child.pid, reloadMercyMs: 20_000 });
  child.emit('message', { type: 'master-ready', pid: child.pid, generation: 1 });
  child.emit('message', { type: 'master-reloading', generation: 2 });
  child.emit('message', { type: 'master-reloaded', generation: 2, ok: true, durationMs: 5, reloadMercyMs: 120_000 });
  vassal.handle({ type: 'file-removed' });
  assert.deepEqual(stops, [120_000 + MASTER_EXIT_MARGIN_MS]);
});

test('a master that is not ready yet is stopped with its own mercy too', () => {
  const { vassal, child, stops } = vassalOnFakeChild();
  child.emit('message', { type: 'master-started', pid: child.pid, reloadMercyMs: 120_000 });
  vassal.handle({ type: 'file-removed' });
  assert.deepEqual(stops, [120_000 + MASTER_EXIT_MARGIN_MS]);
});
