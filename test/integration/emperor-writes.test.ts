// How files get written in real life: bursts, editors' atomic renames, sed -i,
// cp, and slow writers. Each change gives one reaction to the final content,
// and a half-written file never starts a master.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { killAll, type SpawnedCli } from '../helpers/spawned-cli.js';
import { count, startEmperor, VassalDir, waitForState } from './emperor-harness.js';

describe('emperor: bursts and atomic writes', () => {
  const dir = new VassalDir();
  let emperor: SpawnedCli;
  let reloads = 0;

  /** The next reload of app.ini; returns its content. */
  const nextReload = async () => {
    reloads += 1;
    const line = await emperor.waitForLog('fake master reloaded', { vassal: 'app.ini' }, reloads);
    return String(line.content);
  };

  before(async () => {
    dir.write('app.ini', 'mode = ready\nversion = 0\n');
    // quiet time well above how long a busy 2-core machine can deschedule this writer between
    // two writes: each change must give one reload, and a stall longer than settle-ms is a pause
    emperor = startEmperor(['--settle-ms', '150', dir.path]);
    await waitForState(emperor, 'app.ini', 'ready');
  });
  after(async () => {
    await killAll();
    dir.remove();
  });

  test('a burst of 30 writes gives one reload, of the final content', async () => {
    for (let i = 1; i <= 30; i++) {
      writeFileSync(dir.file('app.ini'), `mode = ready\nversion = ${i}\n`);
      await nextTurn();
    }
    assert.equal(await nextReload(), 'mode = ready\nversion = 30\n');
    // a marker change: any extra reload from the burst would come before it
    writeFileSync(dir.file('app.ini'), 'mode = ready\nversion = marker-1\n');
    assert.equal(await nextReload(), 'mode = ready\nversion = marker-1\n');
  });

  test('an atomic rename into place (editor save) gives one reload', async () => {
    writeFileSync(dir.file('.app.ini.swp'), 'mode = ready\nversion = renamed\n');
    renameSync(dir.file('.app.ini.swp'), dir.file('app.ini'));
    assert.equal(await nextReload(), 'mode = ready\nversion = renamed\n');
    writeFileSync(dir.file('app.ini'), 'mode = ready\nversion = marker-2\n');
    assert.equal(await nextReload(), 'mode = ready\nversion = marker-2\n');
  });

  test('a visible temporary vassal name renamed away at once never starts a master', async () => {
    writeFileSync(dir.file('tmp-save.ini'), 'mode = ready\nversion = via-tmp\n');
    renameSync(dir.file('tmp-save.ini'), dir.file('app.ini'));
    assert.equal(await nextReload(), 'mode = ready\nversion = via-tmp\n');
    assert.equal(count(emperor, 'vassal state', 'tmp-save.ini'), 0);
  });

  test('sed -i (temp file + rename) gives one reload', async () => {
    execFileSync('sed', ['-i', 's/via-tmp/sed-edited/', dir.file('app.ini')]);
    assert.equal(await nextReload(), 'mode = ready\nversion = sed-edited\n');
    writeFileSync(dir.file('app.ini'), 'mode = ready\nversion = marker-3\n');
    assert.equal(await nextReload(), 'mode = ready\nversion = marker-3\n');
  });

  test('cp over the file gives one reload', async () => {
    writeFileSync(dir.file('.source'), 'mode = ready\nversion = copied\n');
    execFileSync('cp', [dir.file('.source'), dir.file('app.ini')]);
    assert.equal(await nextReload(), 'mode = ready\nversion = copied\n');
    writeFileSync(dir.file('app.ini'), 'mode = ready\nversion = marker-4\n');
    assert.equal(await nextReload(), 'mode = ready\nversion = marker-4\n');
  });

  test('a new file written in many small pieces starts once, from the complete content', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `line${i} = ${'x'.repeat(50)}\n`);
    writeFileSync(dir.file('slow.ini'), 'mode = ready\n');
    for (const line of lines) {
      appendFileSync(dir.file('slow.ini'), line);
      await nextTurn();
    }
    const started = await emperor.waitForLog('fake master started', { vassal: 'slow.ini' });
    assert.equal(started.content, `mode = ready\n${lines.join('')}`);
    await waitForState(emperor, 'slow.ini', 'ready');
    writeFileSync(dir.file('slow.ini'), 'mode = ready\nversion = marker\n');
    const reloaded = await emperor.waitForLog('fake master reloaded', { vassal: 'slow.ini' });
    assert.equal(reloaded.content, 'mode = ready\nversion = marker\n', 'no reload came between the start and the marker');
    assert.equal(count(emperor, 'master spawned', 'slow.ini'), 1);
  });

  test('the master was never restarted by any of it', () => {
    assert.equal(count(emperor, 'master spawned', 'app.ini'), 1);
  });
});
