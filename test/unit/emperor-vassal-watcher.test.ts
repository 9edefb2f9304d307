// The emperor's inotify watcher on a real file system: what each change is
// reported as (paths to look at again), for a flat directory, a glob reaching
// into subdirectories, symlinked files, and a root directory recreated. The
// emperor's periodic rescan is not running here, so every path seen came from
// an inotify event.
import assert from 'node:assert/strict';
import { linkSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { planTarget } from '../../src/emperor/watch-target.js';
import { watchTargets, type VassalWatcher } from '../../src/emperor/vassal-watcher.js';
import { waitFor } from '../helpers/wait-for.js';

interface Watching {
  readonly seen: string[];
  readonly errors: Error[];
  /** resolves once `path` has been reported since the last `clear` */
  reported(path: string): Promise<void>;
  clear(): void;
}

describe('vassal watcher', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'uw-watcher-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };

  const start = async (spec: string, kind: 'dir' | 'file' = 'dir'): Promise<Watching> => {
    const seen: string[] = [];
    const errors: Error[] = [];
    const watcher: VassalWatcher = watchTargets([planTarget(spec, kind)], (path) => seen.push(path), (err) => errors.push(err));
    cleanups.push(() => watcher.close());
    await watcher.ready;
    return {
      seen,
      errors,
      reported: (path) => waitFor(`${path} to be reported`, () => (seen.includes(path) ? true : undefined), 5_000).then(() => undefined),
      clear: () => void seen.splice(0),
    };
  };

  test('a flat directory: created, touched, rewritten and removed files are reported; hidden ones and the first walk are not', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'old.ini'), 'x = 1\n');
    const watching = await start(dir);
    assert.equal(watching.seen.length, 0, 'nothing reported for what was there before');
    const app = join(dir, 'app.ini');
    writeFileSync(app, 'x = 1\n');
    await watching.reported(app);
    watching.clear();
    utimesSync(app, new Date(), new Date(Date.now() + 5_000));
    await watching.reported(app);
    watching.clear();
    writeFileSync(join(dir, 'old.ini'), 'x = 2\n');
    await watching.reported(join(dir, 'old.ini'));
    watching.clear();
    writeFileSync(join(dir, '.app.ini.swp'), 'x');
    rmSync(app);
    await watching.reported(app);
    assert.ok(!watching.seen.some((path) => path.includes('.swp')), `a hidden file was reported: ${watching.seen.join(', ')}`);
    assert.deepEqual(watching.errors, []);
  });

  test('a flat directory is flat: a subdirectory is not watched', async () => {
    const dir = tempDir();
    const watching = await start(dir);
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'deep.ini'), 'x = 1\n');
    writeFileSync(join(dir, 'marker.ini'), 'x = 1\n');
    await watching.reported(join(dir, 'marker.ini'));
    assert.ok(!watching.seen.includes(join(dir, 'sub', 'deep.ini')), 'a file below the depth was reported');
  });

  test('a glob into subdirectories: a new subdirectory is watched at once; one removed or moved away reports what it held', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'uw.ini'), 'x = 1\n');
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'b', 'uw.ini'), 'x = 1\n');
    const watching = await start(`${dir}/*/uw.ini`);
    // created with its file in one go: the file can be there before the directory is watched
    mkdirSync(join(dir, 'c'));
    writeFileSync(join(dir, 'c', 'uw.ini'), 'x = 1\n');
    await watching.reported(join(dir, 'c', 'uw.ini'));
    watching.clear();
    writeFileSync(join(dir, 'c', 'uw.ini'), 'x = 2\n');
    await watching.reported(join(dir, 'c', 'uw.ini'));
    renameSync(join(dir, 'a'), join(tempDir(), 'a'));
    await watching.reported(join(dir, 'a', 'uw.ini'));
    rmSync(join(dir, 'b'), { recursive: true });
    await watching.reported(join(dir, 'b', 'uw.ini'));
    assert.deepEqual(watching.errors, []);
  });

  test('a symlinked vassal file: a change to its target is reported under the link, also after the target was replaced by a rename', async () => {
    const dir = tempDir();
    const elsewhere = tempDir();
    const target = join(elsewhere, 'real.ini');
    writeFileSync(target, 'x = 1\n');
    const link = join(dir, 'app.ini');
    symlinkSync(target, link);
    const watching = await start(dir);
    writeFileSync(target, 'x = 2\n');
    await watching.reported(link);
    watching.clear();
    writeFileSync(join(elsewhere, 'next.ini'), 'x = 3\n');
    renameSync(join(elsewhere, 'next.ini'), target);
    await watching.reported(link);
    watching.clear();
    writeFileSync(target, 'x = 4\n');
    await watching.reported(link);
    watching.clear();
    rmSync(target);
    await watching.reported(link);
  });

  test('the root removed and created again: what it held is reported, then what the new one holds', async () => {
    const parent = tempDir();
    const dir = join(parent, 'vassals');
    mkdirSync(dir);
    writeFileSync(join(dir, 'one.ini'), 'x = 1\n');
    const watching = await start(dir);
    renameSync(dir, join(parent, 'gone'));
    await watching.reported(join(dir, 'one.ini'));
    watching.clear();
    mkdirSync(dir);
    writeFileSync(join(dir, 'two.ini'), 'x = 1\n');
    await watching.reported(join(dir, 'two.ini'));
    watching.clear();
    writeFileSync(join(dir, 'three.ini'), 'x = 1\n');
    await watching.reported(join(dir, 'three.ini'));
  });

  test('a symlink loop under ** is followed once, not forever', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'a'));
    symlinkSync(dir, join(dir, 'a', 'loop'));
    const watching = await start(`${dir}/**/*.ini`);
    writeFileSync(join(dir, 'a', 'app.ini'), 'x = 1\n');
    await watching.reported(join(dir, 'a', 'app.ini'));
    assert.deepEqual(watching.errors, []);
  });

  test('a directory replaced in place by a rename is watched afresh: its new files and later edits are reported', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', 'uw.ini'), 'x = 1\n');
    const watching = await start(`${dir}/*/uw.ini`);
    mkdirSync(join(dir, '.app.new'));
    writeFileSync(join(dir, '.app.new', 'uw.ini'), 'x = 2\n');
    rmSync(join(dir, 'app'), { recursive: true });
    renameSync(join(dir, '.app.new'), join(dir, 'app'));
    await watching.reported(join(dir, 'app', 'uw.ini'));
    await waitFor('the new directory watched', () => (watchedAgain(watching, join(dir, 'app', 'probe.ini')) ? true : undefined), 5_000);
    watching.clear();
    writeFileSync(join(dir, 'app', 'uw.ini'), 'x = 3\n');
    await watching.reported(join(dir, 'app', 'uw.ini'));
  });

  test('a symlink swapped to another target (ln -sf through a rename) follows the new target only', async () => {
    const dir = tempDir();
    const elsewhere = tempDir();
    writeFileSync(join(elsewhere, 'a.ini'), 'x = 1\n');
    writeFileSync(join(elsewhere, 'b.ini'), 'x = 1\n');
    const link = join(dir, 'app.ini');
    symlinkSync(join(elsewhere, 'a.ini'), link);
    const watching = await start(dir);
    symlinkSync(join(elsewhere, 'b.ini'), join(dir, '.app.ini.tmp'));
    renameSync(join(dir, '.app.ini.tmp'), link);
    await watching.reported(link);
    watching.clear();
    writeFileSync(join(elsewhere, 'b.ini'), 'x = 2\n');
    await watching.reported(link);
    watching.clear();
    writeFileSync(join(elsewhere, 'a.ini'), 'x = 2\n');
    writeFileSync(join(dir, 'marker.ini'), 'x = 1\n');
    await watching.reported(join(dir, 'marker.ini'));
    assert.ok(!watching.seen.includes(link), 'an edit of the old target was still reported');
  });

  test('a release directory swapped by ln -sfn: its files are reported at the swap and its edits after', async () => {
    const dir = tempDir();
    const releases = tempDir();
    for (const release of ['v1', 'v2']) {
      mkdirSync(join(releases, release));
      writeFileSync(join(releases, release, 'uw.ini'), `release = ${release}\n`);
    }
    symlinkSync(join(releases, 'v1'), join(dir, 'current'));
    const watching = await start(`${dir}/*/uw.ini`);
    symlinkSync(join(releases, 'v2'), join(dir, '.current.tmp'));
    renameSync(join(dir, '.current.tmp'), join(dir, 'current'));
    await watching.reported(join(dir, 'current', 'uw.ini'));
    watching.clear();
    writeFileSync(join(releases, 'v2', 'uw.ini'), 'release = v2, edited\n');
    await watching.reported(join(dir, 'current', 'uw.ini'));
  });

  test('two names for one directory (a symlink beside it) are both reported, and the survivor still is once the link goes', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'uw.ini'), 'x = 1\n');
    symlinkSync(join(dir, 'real'), join(dir, 'alias'));
    const watching = await start(`${dir}/*/uw.ini`);
    writeFileSync(join(dir, 'real', 'uw.ini'), 'x = 2\n');
    await Promise.all([watching.reported(join(dir, 'real', 'uw.ini')), watching.reported(join(dir, 'alias', 'uw.ini'))]);
    rmSync(join(dir, 'alias'));
    await watching.reported(join(dir, 'alias', 'uw.ini'));
    watching.clear();
    writeFileSync(join(dir, 'real', 'uw.ini'), 'x = 3\n');
    await watching.reported(join(dir, 'real', 'uw.ini'));
  });

  test('a vassal file with another hard link, edited through that other name, is reported', async () => {
    const dir = tempDir();
    const elsewhere = tempDir();
    writeFileSync(join(elsewhere, 'app.ini'), 'x = 1\n');
    linkSync(join(elsewhere, 'app.ini'), join(dir, 'app.ini'));
    const watching = await start(dir);
    writeFileSync(join(elsewhere, 'app.ini'), 'x = 2\n');
    await watching.reported(join(dir, 'app.ini'));
  });
});

/** Create `probe` and report whether the watcher named it (the directory holding it is watched); the probe is removed. */
function watchedAgain(watching: Watching, probe: string): boolean {
  if (watching.seen.includes(probe)) {
    rmSync(probe, { force: true });
    return true;
  }
  writeFileSync(probe, 'x = 1\n');
  return false;
}
