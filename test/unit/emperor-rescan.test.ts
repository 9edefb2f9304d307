// The emperor composed with a watcher that never reports anything: the periodic
// rescan alone must notice a new, changed and removed file (what it is for:
// events the watcher missed). Real files, fake masters, no processes.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pino } from 'pino';
import { systemClock } from '../../src/emperor/clock.js';
import { Emperor } from '../../src/emperor/emperor.js';
import { buildEmperorSettings } from '../../src/emperor/emperor-settings.js';
import { planTarget } from '../../src/emperor/watch-target.js';
import { waitFor } from '../helpers/wait-for.js';
import { FakeChild } from './emperor-fake-child.js';

const dir = mkdtempSync(join(tmpdir(), 'uw-emperor-rescan-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the periodic rescan alone catches create, change and remove', async () => {
  const children: FakeChild[] = [];
  const stopped: FakeChild[] = [];
  const emperor = new Emperor({
    settings: { ...buildEmperorSettings([{ name: 'emperor', value: dir, file: undefined, base: '/' }]), rescanIntervalMs: 30, settleMs: 5 },
    targets: [planTarget(dir, 'dir')],
    logger: pino({ level: 'silent' }),
    clock: systemClock,
    spawnMaster: () => {
      const child = new FakeChild();
      children.push(child);
      return child as unknown as ChildProcess;
    },
    stopMaster: (child) => {
      const fake = child as unknown as FakeChild;
      stopped.push(fake);
      fake.exit(0);
      return Promise.resolve();
    },
    watch: () => ({ ready: Promise.resolve(), resync: () => undefined, close: () => Promise.resolve() }),
  });
  await emperor.start();

  writeFileSync(join(dir, 'app.ini'), 'one');
  const master = await waitFor('a master for the new file', () => children[0], 5_000);
  master.emit('message', { type: 'master-ready', pid: master.pid, generation: 1 });

  writeFileSync(join(dir, 'app.ini'), 'two, longer');
  await waitFor('SIGHUP for the changed file', () => (master.signals.includes('SIGHUP') ? true : undefined), 5_000);
  master.emit('message', { type: 'master-reloaded', generation: 2, ok: true, durationMs: 1 });

  rmSync(join(dir, 'app.ini'));
  await waitFor('the master to be stopped', () => stopped[0], 5_000);
  assert.equal(children.length, 1);

  emperor.command('stop');
  await emperor.stopped;
});
