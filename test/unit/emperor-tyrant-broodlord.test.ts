// Tyrant mode and the broodlord: a chown of the vassal file stops its zerg
// instances (they ran as the old owner), and the next SOS starts one as the new
// owner; a file given to root stops them too. Real files, fake masters; root only.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pino } from 'pino';
import { systemClock } from '../../src/emperor/clock.js';
import { Emperor, type MasterIds } from '../../src/emperor/emperor.js';
import { buildEmperorSettings } from '../../src/emperor/emperor-settings.js';
import { planTarget } from '../../src/emperor/watch-target.js';
import { waitFor } from '../helpers/wait-for.js';
import { FakeChild } from './emperor-fake-child.js';

const dir = mkdtempSync(join(tmpdir(), 'uw-tyrant-brood-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Spawned { readonly identity: string; readonly uid: number | undefined; readonly child: FakeChild }

test('a chown stops the zerg instances; the next SOS starts one as the new owner', { skip: process.getuid?.() !== 0 && 'chown needs root' }, async () => {
  const spawned: Spawned[] = [];
  const stopped = new Set<FakeChild>();
  const settings = buildEmperorSettings([{ name: 'emperor', value: dir, file: undefined, base: '/' }]);
  const emperor = new Emperor({
    settings: { ...settings, rescanIntervalMs: 30, settleMs: 5, tyrant: true, broodlord: 2 },
    targets: [planTarget(dir, 'dir')],
    logger: pino({ level: 'silent' }),
    clock: systemClock,
    spawnMaster: (identity: string, _file: string, runAs?: MasterIds) => {
      const child = new FakeChild();
      spawned.push({ identity, uid: runAs?.uid, child });
      return child as unknown as ChildProcess;
    },
    stopMaster: (child) => {
      const fake = child as unknown as FakeChild;
      stopped.add(fake);
      fake.exit(0);
      return Promise.resolve();
    },
    watch: () => ({ ready: Promise.resolve(), resync: () => undefined, close: () => Promise.resolve() }),
  });
  const nth = (identity: string, n: number) => () => spawned.filter((s) => s.identity === identity)[n - 1];
  const ready = (s: Spawned) => s.child.emit('message', { type: 'master-ready', pid: s.child.pid, generation: 1 });
  const sos = (s: Spawned) => s.child.emit('message', { type: 'master-sos', reason: 'busy' });
  try {
    await emperor.start();
    const file = join(dir, 'app.ini');
    writeFileSync(file, '[uwsgi]\nprocesses = 1\n[zerg]\nprocesses = 1\n');
    chownSync(file, 4321, 4321);
    const first = await waitFor('the master as 4321', nth('app.ini', 1), 5_000);
    assert.equal(first.uid, 4321);
    ready(first);
    sos(first);
    const zerg = await waitFor('a zerg as 4321', nth('app.ini:zerg:1', 1), 5_000);
    assert.equal(zerg.uid, 4321);
    ready(zerg);

    chownSync(file, 4322, 4322);
    const second = await waitFor('the master as 4322', nth('app.ini', 2), 5_000);
    assert.equal(second.uid, 4322);
    await waitFor('the old owner\'s zerg to stop', () => (stopped.has(zerg.child) ? true : undefined), 5_000);
    ready(second);
    sos(second);
    const next = await waitFor('a new zerg', nth('app.ini:zerg:1', 2), 5_000);
    assert.equal(next.uid, 4322, 'the new zerg runs as the new owner');
    ready(next);

    chownSync(file, 0, 0);
    await waitFor('the zerg of a file given to root to stop', () => (stopped.has(next.child) ? true : undefined), 5_000);
  } finally {
    emperor.command('stop');
    await emperor.stopped;
  }
});
