// File-event storms against the real uwemperor (fake masters, which log every
// start and reload with the content they read): a thousand touches or writes
// in a second, many files at once, editors' saves, symlinks, the directory
// removed and recreated, a file replaced by a directory.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { SpawnedCli } from '../helpers/spawned-cli.js';
import { count, startEmperor, useVassalDirs, waitForState, type VassalDir } from './emperor-harness.js';
import { createStorm, maxStarting, touchStorm, writeStorm } from './emperor-storms-harness.js';

const newDir = useVassalDirs();
const SETTLE = ['--settle-ms', '100', '--rescan-interval', '1'];

/** Emperor on a fresh directory holding app.ini, once app.ini is ready. */
async function started(content = 'mode = ready\nversion = 0\n'): Promise<{ dir: VassalDir; emperor: SpawnedCli; file: string }> {
  const dir = newDir();
  const file = dir.write('app.ini', content);
  const emperor = startEmperor([...SETTLE, dir.path]);
  await waitForState(emperor, 'app.ini', 'ready');
  return { dir, emperor, file };
}

/** Write a marker and wait for its reload: every reload the storm caused came before it. */
async function settleWith(emperor: SpawnedCli, file: string, marker: string): Promise<number> {
  writeFileSync(file, `mode = ready\nversion = ${marker}\n`);
  const line = await emperor.waitForLog('fake master reloaded', { vassal: 'app.ini', content: `mode = ready\nversion = ${marker}\n` }, 1, 20_000);
  return Number(line.generation);
}

describe('emperor: file-event storms', () => {
  test('1,000 touches in a second give a bounded number of reloads and never a restart', { timeout: 60_000 }, async () => {
    const { emperor, file } = await started();
    await touchStorm(file, 1_000, 1_000);
    // the storm's touches settle once they stop: at least one reload, then the marker's
    await emperor.waitForLog('fake master reloaded', { vassal: 'app.ini' }, 1, 20_000);
    await settleWith(emperor, file, 'after-touches');
    const during = count(emperor, 'fake master reloaded', 'app.ini') - 1;
    assert.ok(during >= 1 && during <= 50, `1,000 touches gave ${during} reloads`);
    assert.equal(count(emperor, 'master spawned', 'app.ini'), 1);
  });

  test('1,000 writes in a second reload to the last content, a bounded number of times', { timeout: 60_000 }, async () => {
    const { emperor, file } = await started();
    const content = await writeStorm(file, 1_000, 1_000);
    const last = await emperor.waitForLog('fake master reloaded', { vassal: 'app.ini', content }, 1, 20_000);
    const generation = await settleWith(emperor, file, 'after-writes');
    assert.equal(generation, Number(last.generation) + 1, 'no reload came after the last content was applied');
    assert.ok(generation - 1 <= 50, `1,000 writes gave ${generation - 1} reloads`);
    assert.equal(count(emperor, 'master spawned', 'app.ini'), 1);
  });

  test('50 files created at once all start, start-concurrency respected (npm run storms: more)', { timeout: 120_000 }, async () => {
    const dir = newDir();
    const emperor = startEmperor([...SETTLE, '--start-concurrency', '4', dir.path]);
    await emperor.waitForLog('emperor started');
    const names = createStorm(dir, 50);
    for (const name of names) await waitForState(emperor, name, 'ready', 1, 60_000);
    assert.ok(maxStarting(emperor) <= 4, `${maxStarting(emperor)} masters started at once`);
    for (const name of names) assert.equal(count(emperor, 'master spawned', name), 1, name);
  });

  test("editors' saves each reload once, to the new content, never stopping the vassal", { timeout: 60_000 }, async () => {
    const { dir, emperor, file } = await started();
    const saves: [string, () => void][] = [
      ['renamed', () => (writeFileSync(dir.file('.app.ini.tmp'), 'mode = ready\nversion = renamed\n'), renameSync(dir.file('.app.ini.tmp'), file))],
      ['sed', () => execFileSync('sed', ['-i', 's/version = .*/version = sed/', file])],
      ['copied', () => (writeFileSync(dir.file('.source'), 'mode = ready\nversion = copied\n'), execFileSync('cp', [dir.file('.source'), file]))],
      ['moved', () => (writeFileSync(dir.file('.moved'), 'mode = ready\nversion = moved\n'), execFileSync('mv', [dir.file('.moved'), file]))],
      // vim without backupcopy: the file is renamed to its backup, written anew, the backup removed
      ['vim', () => (renameSync(file, `${file}~`), writeFileSync(file, 'mode = ready\nversion = vim\n'), unlinkSync(`${file}~`))],
    ];
    let generation = 1;
    for (const [version, save] of saves) {
      save();
      const applied = await emperor.waitForLog('fake master reloaded', { vassal: 'app.ini', content: `mode = ready\nversion = ${version}\n` }, 1, 20_000);
      assert.equal(Number(applied.generation), generation + 1, `${version}: more than one reload for one save`);
      generation = await settleWith(emperor, file, `after-${version}`);
      assert.equal(generation, Number(applied.generation) + 1, `${version}: a reload came after the new content`);
    }
    assert.equal(count(emperor, 'master spawned', 'app.ini'), 1);
    assert.ok(!emperor.find('vassal state', { vassal: 'app.ini' }).some((line) => line.to === 'stopping'));
  });

  test('a symlinked vassal reloads when its target changes; a dangling one is reported in one line', { timeout: 60_000 }, async () => {
    const { dir, emperor } = await started();
    const target = dir.write('targets/real.ini', 'mode = ready\nversion = linked\n');
    symlinkSync(target, dir.file('link.ini'));
    await waitForState(emperor, 'link.ini', 'ready');
    writeFileSync(target, 'mode = ready\nversion = target-changed\n');
    await emperor.waitForLog('fake master reloaded', { vassal: 'link.ini', content: 'mode = ready\nversion = target-changed\n' }, 1, 20_000);

    symlinkSync(dir.file('targets/nowhere.ini'), dir.file('dangling.ini'));
    const reported = await emperor.waitForLog('vassal file is a dangling symlink', { vassal: 'dangling.ini' }, 1, 20_000);
    assert.match(String(reported.target), /nowhere\.ini$/);
    rmSync(target);
    await waitForState(emperor, 'link.ini', 'stopped');
    await emperor.waitForLog('vassal file is a dangling symlink', { vassal: 'link.ini' }, 1, 20_000);
    writeFileSync(dir.file('targets/nowhere.ini'), 'mode = ready\nversion = late\n');
    await waitForState(emperor, 'dangling.ini', 'ready');
    assert.equal(emperor.find('vassal file is a dangling symlink', { vassal: 'dangling.ini' }).length, 1, 'reported once, not at every rescan');
    assert.equal(count(emperor, 'master spawned', 'app.ini'), 1);
  });

  test('the vassal directory removed stops its vassals; recreated, the watcher alone starts them again', { timeout: 60_000 }, async () => {
    const dir = newDir();
    dir.write('app.ini', 'mode = ready\n');
    dir.write('other.ini', 'mode = ready\n');
    // no periodic rescan: only the watcher can see the directory come back
    const emperor = startEmperor(['--settle-ms', '100', '--rescan-interval', '0', dir.path]);
    await waitForState(emperor, 'app.ini', 'ready');
    await waitForState(emperor, 'other.ini', 'ready');
    rmSync(dir.path, { recursive: true });
    await waitForState(emperor, 'app.ini', 'stopped', 1, 20_000);
    await waitForState(emperor, 'other.ini', 'stopped', 1, 20_000);
    mkdirSync(dir.path);
    dir.write('app.ini', 'mode = ready\nversion = back\n');
    await emperor.waitForLog('fake master started', { vassal: 'app.ini', content: 'mode = ready\nversion = back\n' }, 1, 20_000);
    await waitForState(emperor, 'app.ini', 'ready', 2, 20_000);
    // and a file written later in the new directory
    dir.write('later.ini', 'mode = ready\n');
    await waitForState(emperor, 'later.ini', 'ready', 1, 20_000);
    assert.equal(count(emperor, 'master spawned', 'other.ini'), 1, 'other.ini stays stopped: its file is gone');
  });

  test('a vassal file replaced by a directory stops it; the emperor keeps serving the rest', { timeout: 60_000 }, async () => {
    const { dir, emperor, file } = await started();
    dir.write('keep.ini', 'mode = ready\n');
    await waitForState(emperor, 'keep.ini', 'ready');
    rmSync(file);
    mkdirSync(file);
    writeFileSync(`${file}/inner.ini`, 'mode = ready\n');
    await waitForState(emperor, 'app.ini', 'stopped', 1, 20_000);
    rmSync(file, { recursive: true });
    writeFileSync(file, 'mode = ready\nversion = file-again\n');
    await emperor.waitForLog('fake master started', { vassal: 'app.ini', content: 'mode = ready\nversion = file-again\n' }, 1, 20_000);
    assert.equal(count(emperor, 'vassal state', 'app.ini/inner.ini'), 0);
    assert.equal(count(emperor, 'master spawned', 'keep.ini'), 1);
  });
});
