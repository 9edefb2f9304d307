import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseEmperorArgv } from '../../src/emperor/emperor-argv.js';
import { readEmperorConfig } from '../../src/emperor/emperor-config-file.js';
import { buildEmperorSettings, EMPEROR_DEFAULTS } from '../../src/emperor/emperor-settings.js';
import { describeError, UwError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'uw-emperor-settings-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const fromArgv = (...argv: string[]) => {
  const parsed = parseEmperorArgv(argv, '/work');
  assert.equal(parsed.kind, 'run');
  return buildEmperorSettings(parsed.kind === 'run' ? parsed.options : []);
};

const throwsUw = (fn: () => unknown, code: string, pattern: RegExp) =>
  assert.throws(fn, (err: unknown) => err instanceof UwError && err.code === code && pattern.test(describeError(err)));

test('defaults: 65 s mercy, 4 concurrent starts, 10 s rescan, 25 ms settle', () => {
  const settings = fromArgv('vassals');
  assert.deepEqual(settings.targets, ['/work/vassals']);
  assert.equal(settings.reloadMercyMs, 65_000);
  assert.equal(settings.startConcurrency, EMPEROR_DEFAULTS.startConcurrency);
  assert.equal(settings.rescanIntervalMs, 10_000);
  assert.equal(settings.settleMs, 25);
  assert.equal(settings.pidfile, undefined);
  assert.ok(Object.isFrozen(settings));
});

test('flags in both spellings; lists accumulate; scalars keep the last value', () => {
  const settings = fromArgv('/a', '--emperor', '/b/*.ini', '--reload-mercy=2.5', '--vassal-set', 'processes=2', '--vassal-set=env=A=1', '--vassals-inherit', 'base.ini', '--start-concurrency', '2', '--start-concurrency', '8', '--pidfile', 'run/e.pid');
  assert.deepEqual(settings.targets, ['/a', '/b/*.ini']);
  assert.equal(settings.reloadMercyMs, 2_500);
  assert.deepEqual(settings.vassalSet, ['processes=2', 'env=A=1']);
  assert.deepEqual(settings.vassalsInherit, ['/work/base.ini']);
  assert.equal(settings.startConcurrency, 8);
  assert.equal(settings.pidfile, '/work/run/e.pid');
});

test('bad command lines name the problem', () => {
  throwsUw(() => fromArgv(), 'UW_USAGE', /at least one directory/);
  throwsUw(() => parseEmperorArgv(['--reload-mercyy', '3'], '/'), 'UW_USAGE', /unknown option --reload-mercyy \(did you mean --reload-mercy\?\)/);
  throwsUw(() => parseEmperorArgv(['dir', '--pidfile'], '/'), 'UW_USAGE', /expected a value after --pidfile/);
  throwsUw(() => fromArgv('d', '--reload-mercy', 'soon'), 'UW_USAGE', /expected --reload-mercy to be a number of seconds from 0 to 86400 \(one day\), got "soon"/);
  throwsUw(() => fromArgv('d', '--reload-mercy', '3000000'), 'UW_USAGE', /seconds from 0 to 86400/);
  throwsUw(() => fromArgv('d', '--settle-ms', '99999999999'), 'UW_USAGE', /integer from 0 to 10000, got "99999999999"/);
  throwsUw(() => fromArgv('d', '--start-concurrency', '100000'), 'UW_USAGE', /integer from 1 to 1024/);
  throwsUw(() => fromArgv('d', '--start-concurrency', '0'), 'UW_USAGE', /integer from 1 to 1024, got "0"/);
  throwsUw(() => fromArgv('d', '--vassal-set', 'novalue'), 'UW_USAGE', /key=value, got "novalue"/);
});

test('--help wins', () => {
  assert.deepEqual(parseEmperorArgv(['dir', '--help'], '/'), { kind: 'help' });
});

test('the [emperor] section uses the flag names; paths are relative to the file; the command line wins', () => {
  const file = join(dir, 'emperor.ini');
  writeFileSync(file, '; comment\n[emperor]\nemperor = vassals\nemperor = /srv/*/uw.ini\nreload-mercy = 5\nvassal-set = processes=2\npidfile = run/emperor.pid\n');
  const parsed = parseEmperorArgv(['--config', file, '--reload-mercy', '7', '--vassal-set', 'listen=64'], '/elsewhere');
  assert.equal(parsed.kind === 'run' && parsed.config, file);
  const settings = buildEmperorSettings([...readEmperorConfig(file, '/elsewhere'), ...(parsed.kind === 'run' ? parsed.options : [])]);
  assert.deepEqual(settings.targets, [join(dir, 'vassals'), '/srv/*/uw.ini']);
  assert.equal(settings.reloadMercyMs, 7_000);
  assert.deepEqual(settings.vassalSet, ['processes=2', 'listen=64']);
  assert.equal(settings.pidfile, join(dir, 'run/emperor.pid'));
});

test('[emperor] values are read as vassal files are: literally, `;` and `#` included', () => {
  const file = join(dir, 'literal.ini');
  writeFileSync(file, '# comment\n[emperor]\nemperor = /srv/a;b#c\n; another comment\nvassal-set = env=GREETING=hi;there #1\n');
  const settings = buildEmperorSettings(readEmperorConfig(file, '/'));
  assert.deepEqual(settings.targets, ['/srv/a;b#c']);
  assert.deepEqual(settings.vassalSet, ['env=GREETING=hi;there #1']);
});

test('config file errors name the file, the key and the nearest known key', () => {
  const typo = join(dir, 'typo.ini');
  writeFileSync(typo, '[emperor]\nemperor = v\nrescan-intervall = 3\npidfle = x\n');
  throwsUw(() => readEmperorConfig(typo, '/'), 'UW_CONFIG_UNKNOWN_OPTION', /typo\.ini: unknown options "rescan-intervall" \(did you mean "rescan-interval"\?\), "pidfle" \(did you mean "pidfile"\?\) in \[emperor\]/);
  const bad = join(dir, 'bad.ini');
  writeFileSync(bad, '[emperor]\nemperor = v\nsettle-ms = fast\n');
  throwsUw(() => buildEmperorSettings(readEmperorConfig(bad, '/')), 'UW_CONFIG_INVALID_VALUE', /config error in .*bad\.ini: expected "settle-ms" to be an integer from 0 to 10000, got "fast"/);
  const nosection = join(dir, 'nosection.ini');
  writeFileSync(nosection, '[uwsgi]\nmodule = a.mjs\n');
  throwsUw(() => readEmperorConfig(nosection, '/'), 'UW_CONFIG_FORMAT', /expected an \[emperor\] section/);
  throwsUw(() => readEmperorConfig(join(dir, 'missing.ini'), '/'), 'UW_CONFIG_UNREADABLE', /ENOENT/);
});
