// Templates (--vassals-inherit, --vassal-set), the [emperor] config file, globs
// and several directories, bounded start concurrency, and bad command lines.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { EMPEROR_BIN } from '../helpers/paths.js';
import { SpawnedCli } from '../helpers/spawned-cli.js';
import { FAKE_MASTER, startEmperor, useVassalDirs, waitForState } from './emperor-harness.js';

const newDir = useVassalDirs();

describe('emperor options', () => {
  test('--vassals-inherit and --vassal-set reach every master, the set values after the file', async () => {
    const dir = newDir();
    const base = dir.write('templates/base.ini', '[uwsgi]\nprocesses = 2\n');
    const file = dir.write('vassals/app.ini', 'mode = ready\n');
    const emperor = startEmperor([join(dir.path, 'vassals'), '--vassals-inherit', base, '--vassal-set', 'processes=3', '--vassal-set=env=MODE=test']);
    const started = await emperor.waitForLog('fake master started', { vassal: 'app.ini' });
    assert.deepEqual(started.args, ['--vassal-name', 'app.ini', '--vassals-inherit', base, file, '--processes=3', '--env=MODE=test']);
  });

  test('--config reads the [emperor] section, relative to the file; flags win', async () => {
    const dir = newDir();
    dir.write('vassals/app.ini', 'mode = ready\n');
    dir.write('conf/emperor.ini', `[emperor]\nemperor = ../vassals\nreload-mercy = 3\nvassal-set = processes=2\nmaster-bin = ${FAKE_MASTER}\n`);
    const emperor = new SpawnedCli(EMPEROR_BIN, ['--config', dir.file('conf/emperor.ini'), '--reload-mercy', '4']);
    const started = await emperor.waitForLog('emperor started');
    const settings = started.settings as Record<string, unknown>;
    assert.deepEqual(settings.targets, [dir.file('vassals')]);
    assert.equal(settings.reloadMercyMs, 4_000);
    const master = await emperor.waitForLog('fake master started', { vassal: 'app.ini' });
    assert.ok((master.args as string[]).includes('--processes=2'));
  });

  test('a glob: identities are relative to its base, so a/uw.ini and b/uw.ini are two vassals', async () => {
    const dir = newDir();
    dir.write('a/uw.ini', 'mode = ready\n');
    dir.write('b/uw.ini', 'mode = ready\n');
    dir.write('b/other.ini', 'mode = ready\n');
    const emperor = startEmperor([`${dir.path}/*/uw.ini`]);
    await waitForState(emperor, 'a/uw.ini', 'ready');
    await waitForState(emperor, 'b/uw.ini', 'ready');
    dir.write('c/uw.ini', 'mode = ready\n');
    await waitForState(emperor, 'c/uw.ini', 'ready');
    rmSync(dir.file('a/uw.ini'));
    await waitForState(emperor, 'a/uw.ini', 'stopped');
    assert.equal(emperor.find('vassal state', { vassal: 'b/other.ini' }).length, 0);
  });

  test('several directories: identities relative to their common root never collide', async () => {
    const dir = newDir();
    dir.write('one/app.ini', 'mode = ready\n');
    dir.write('two/app.ini', 'mode = ready\n');
    const emperor = startEmperor([dir.file('one'), dir.file('two')]);
    await waitForState(emperor, 'one/app.ini', 'ready');
    await waitForState(emperor, 'two/app.ini', 'ready');
  });

  test('--start-concurrency bounds how many masters start at once', async () => {
    const dir = newDir();
    for (let i = 0; i < 8; i++) dir.write(`v${i}.ini`, 'mode = ready\nready-delay-ms = 150\n');
    const emperor = startEmperor([dir.path, '--start-concurrency', '2']);
    for (let i = 0; i < 8; i++) await waitForState(emperor, `v${i}.ini`, 'ready');
    let starting = 0;
    let most = 0;
    for (const line of emperor.lines) {
      if (line.msg === 'master spawned') most = Math.max(most, ++starting);
      if (line.msg === 'vassal state' && line.from === 'starting') starting--;
    }
    assert.equal(most, 2);
  });

  test('bad command lines exit 2 with one clear line', async () => {
    const dir = newDir();
    const cases: [string[], RegExp][] = [
      [['--reload-mercyy', '3', dir.path], /unknown option --reload-mercyy \(did you mean --reload-mercy\?\)/],
      [[dir.file('missing')], /cannot watch .*missing/],
      [[], /expected at least one directory or glob/],
      [[dir.path, '--vassals-inherit', dir.file('nope.ini')], /--vassals-inherit: cannot read .*nope\.ini: ENOENT/],
    ];
    for (const [args, pattern] of cases) {
      const cli = new SpawnedCli(EMPEROR_BIN, args);
      assert.equal((await cli.exited).code, 2, args.join(' '));
      assert.match(cli.stderr, pattern);
    }
  });

  test('--help prints the options', async () => {
    const cli = new SpawnedCli(EMPEROR_BIN, ['--help']);
    assert.equal((await cli.exited).code, 0);
    assert.match(cli.stdout, /--reload-mercy/);
  });
});
