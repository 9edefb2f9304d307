// argv → sources: positional files, --ini/--yaml/--json, --key value, --key=value,
// bare flags, pass-through of unknown keys, and UW_USAGE for a missing value.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { argvToSources } from '../../src/config/argv.js';
import { UwError } from '../../src/errors.js';

const opt = (key: string, value: string | true) => ({ kind: 'option', key, value, origin: 'command line' });

function usage(fragment: string): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof UwError);
    assert.equal(err.code, 'UW_USAGE');
    assert.ok(err.message.includes(fragment), err.message);
    return true;
  };
}

describe('argvToSources', () => {
  it('reads positional files (with a section) and format flags', () => {
    assert.deepEqual(argvToSources(['app.ini:staging', '--yaml', 'b.conf', '--json=c.txt', '--ini', 'd', '--yml', 'e']), [
      { kind: 'file', path: 'app.ini:staging' },
      { kind: 'file', path: 'b.conf', format: 'yaml' },
      { kind: 'file', path: 'c.txt', format: 'json' },
      { kind: 'file', path: 'd', format: 'ini' },
      { kind: 'file', path: 'e', format: 'yaml' },
    ]);
  });

  it('reads --key value and --key=value, in order', () => {
    assert.deepEqual(argvToSources(['--http-socket', ':0', '--module=app.mjs', '--env', 'A=1', '--env=B=2', '--set-ph', 'x=1']), [
      opt('http-socket', ':0'), opt('module', 'app.mjs'), opt('env', 'A=1'), opt('env', 'B=2'), opt('set-ph', 'x=1'),
    ]);
  });

  it('gives bare options no separate value', () => {
    assert.deepEqual(argvToSources(['--vacuum', 'app.ini', '--die-on-term=false', '--chmod-socket']), [
      opt('vacuum', true), { kind: 'file', path: 'app.ini' }, opt('die-on-term', 'false'), opt('chmod-socket', true),
    ]);
  });

  it('gives a bare option the next argument when it is a value of its kind', () => {
    assert.deepEqual(argvToSources(['--vacuum', 'false', '--exec-notify', 'no', '--chmod-socket', '660', '--master', 'app.ini', '--die-on-term', '1']), [
      opt('vacuum', 'false'), opt('exec-notify', 'no'), opt('chmod-socket', '660'), opt('master', true), { kind: 'file', path: 'app.ini' }, opt('die-on-term', '1'),
    ]);
  });

  it('passes unknown keys through, with a value when one follows', () => {
    assert.deepEqual(argvToSources(['--procesess', '4', '--vacum', '--x']), [opt('procesess', '4'), opt('vacum', true), opt('x', true)]);
  });

  it('reads the argv a uWSGI Emperor gives a vassal: --set K=V, --inherit and --include FILE', () => {
    assert.deepEqual(argvToSources(['--set', 'processes=4', '--set=env=A=1', '--ini', 'app.ini', '--inherit', 'base.ini', '--include', 'more.ini']), [
      opt('processes', '4'), opt('env', 'A=1'), { kind: 'file', path: 'app.ini', format: 'ini' }, opt('inherit', 'base.ini'), opt('inherit', 'more.ini'),
    ]);
    assert.throws(() => argvToSources(['--set', 'processes']), usage('--set expects KEY=VALUE, got "processes"'));
    assert.throws(() => argvToSources(['--set=', 'app.ini']), usage('--set expects KEY=VALUE'));
    assert.throws(() => argvToSources(['--set', '=4']), usage('--set expects KEY=VALUE'));
    assert.throws(() => argvToSources(['--include']), usage('--include needs a value'));
  });

  it('treats everything after -- as files', () => {
    assert.deepEqual(argvToSources(['--', '--odd.ini']), [{ kind: 'file', path: '--odd.ini' }]);
  });

  it('refuses a missing value, a short option and an empty name', () => {
    assert.throws(() => argvToSources(['--processes']), usage('option --processes needs a value'));
    assert.throws(() => argvToSources(['--module', '--vacuum']), usage('option --module needs a value'));
    assert.throws(() => argvToSources(['app.ini', '--ini']), usage('option --ini needs a value'));
    assert.throws(() => argvToSources(['--set-ph']), usage('--set-ph needs a value'));
    assert.throws(() => argvToSources(['--json=']), usage('option --json needs a file name'));
    assert.throws(() => argvToSources(['-p', '4']), usage('short options are not supported'));
    assert.throws(() => argvToSources(['--=x']), usage('no option name'));
  });
});
