// The etcd cache directory: private modes, atomic writes, and never through a symlink.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UwError } from '../../src/errors.js';
import { CacheDir } from '../../src/emperor/etcd/cache-dir.js';
import { TempDir } from '../helpers/temp-dir.js';

describe('etcd cache directory', () => {
  it('creates 0700 directories and 0600 files, leaving no temporary file behind', async () => {
    const dir = new TempDir();
    try {
      const cache = await CacheDir.open(dir.file('base'), 'h1-abc');
      await cache.write('hosts/h1/vassals/app.ini', Buffer.from('[uwsgi]\n'));
      await cache.write('hosts/h1/vassals/app.ini', Buffer.from('[uwsgi]\nprocesses = 2\n'));
      for (const path of ['base', 'base/h1-abc', 'base/h1-abc/hosts', 'base/h1-abc/hosts/h1/vassals']) assert.equal(statSync(dir.file(path)).mode & 0o777, 0o700, path);
      const file = cache.pathOf('hosts/h1/vassals/app.ini');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(readFileSync(file, 'utf8'), '[uwsgi]\nprocesses = 2\n');
      assert.deepEqual(readdirSync(join(cache.root, 'hosts/h1/vassals')), ['app.ini']);
      assert.deepEqual(await cache.files('hosts/h1/vassals'), ['app.ini']);
      await cache.remove('hosts/h1/vassals/app.ini');
      assert.deepEqual(await cache.files('hosts/h1/vassals'), []);
    } finally {
      dir.remove();
    }
  });

  it('refuses a base or a cache directory that is a symlink', async () => {
    const dir = new TempDir();
    try {
      mkdirSync(dir.file('elsewhere'));
      symlinkSync(dir.file('elsewhere'), dir.file('link'));
      await assert.rejects(CacheDir.open(dir.file('link'), 'h1'), (err: unknown) => err instanceof UwError && err.code === 'UW_PATH_NOT_OURS');
      mkdirSync(dir.file('base'));
      symlinkSync(dir.file('elsewhere'), dir.file('base/h1'));
      await assert.rejects(CacheDir.open(dir.file('base'), 'h1'), (err: unknown) => err instanceof UwError && err.code === 'UW_PATH_NOT_OURS');
    } finally {
      dir.remove();
    }
  });

  it('refuses a path with a hidden, empty or `..` segment', async () => {
    const dir = new TempDir();
    try {
      const cache = await CacheDir.open(dir.file('base'), 'h1');
      for (const path of ['../x.ini', 'vassals/.x.ini', 'vassals//x.ini']) await assert.rejects(cache.write(path, Buffer.from('')), path);
    } finally {
      dir.remove();
    }
  });
});
