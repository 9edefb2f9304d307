// Every way a config can be wrong: the error code, the file and key it names,
// and the gist of its one-line message.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { argvToSources } from '../../src/config/argv.js';
import { loadConfig, type ConfigSource } from '../../src/config/load.js';
import { UwError, type ErrorCode } from '../../src/errors.js';

const DIR = fileURLToPath(new URL('../../../test/fixtures/configs/', import.meta.url));
const at = (name: string): string => path.join(DIR, name);
const ENV = { PATH: `${at('bin')}:/usr/bin:/bin` };
const CLI = 'command line';

interface Expected {
  readonly code: ErrorCode;
  readonly file: string | undefined;
  readonly key?: string;
  readonly message: string;
}

async function fails(sources: ConfigSource[], expected: Expected): Promise<void> {
  await assert.rejects(loadConfig({ sources, cwd: DIR, env: ENV }), (err: unknown) => {
    assert.ok(err instanceof UwError, String(err));
    assert.equal(err.code, expected.code, err.message);
    assert.equal(err.file, expected.file, err.message);
    assert.equal(err.key, expected.key, err.message);
    assert.ok(err.message.includes(expected.message), `"${err.message}" lacks "${expected.message}"`);
    assert.ok(!err.message.includes('\n'), 'one line');
    return true;
  });
}
const file = (name: string): ConfigSource[] => [{ kind: 'file', path: name }];
const argv = (...args: string[]): ConfigSource[] => argvToSources(['minimal.ini', ...args]);

describe('config errors', () => {
  it('unknown option, with the nearest known one', async () => {
    await fails(file('bad/typo.ini'), { code: 'UW_CONFIG_UNKNOWN_OPTION', file: at('bad/typo.ini'), key: 'procesess', message: 'unknown option "procesess" (did you mean "processes"?)' });
    await fails(file('bad/included-typo.ini'), { code: 'UW_CONFIG_UNKNOWN_OPTION', file: at('bad/typo-part.ini'), message: 'unknown option <key at line 2, not shown> (did you mean "vacuum"?)' });
    await fails(argv('--wrkers', '2'), { code: 'UW_CONFIG_UNKNOWN_OPTION', file: CLI, key: 'wrkers', message: 'did you mean "workers"?' });
    await fails(argv('--foo', '1'), { code: 'UW_CONFIG_UNKNOWN_OPTION', file: CLI, key: 'foo', message: 'unknown option "foo"' });
  });

  it('a custom key no %(...) uses is an unknown option', async () => {
    await fails(file('bad/custom-unused.ini'), { code: 'UW_CONFIG_UNKNOWN_OPTION', file: at('bad/custom-unused.ini'), key: 'my-port', message: 'unknown option "my-port"' });
  });

  it('wrong types', async () => {
    await fails(file('bad/bad-int.ini'), { code: 'UW_CONFIG_INVALID_VALUE', file: at('bad/bad-int.ini'), key: 'processes', message: 'option "processes": expected an integer from 1 to 1024' });
    await fails(argv('--workers', '0'), { code: 'UW_CONFIG_INVALID_VALUE', file: CLI, key: 'workers', message: 'option "workers": expected an integer from 1 to 1024 (each worker is a whole process; more is surely a typo), got "0"' });
    await fails(argv('--processes', '100000'), { code: 'UW_CONFIG_INVALID_VALUE', file: CLI, key: 'processes', message: 'expected an integer from 1 to 1024 (each worker is a whole process; more is surely a typo), got "100000"' });
    await fails(argv('--listen', '1000000'), { code: 'UW_CONFIG_INVALID_VALUE', file: CLI, key: 'listen', message: 'expected an integer from 1 to 65535 (the kernel caps it at net.core.somaxconn), got "1000000"' });
    await fails(argv('--reload-mercy', '-1'), { code: 'UW_CONFIG_INVALID_VALUE', file: CLI, key: 'reload-mercy', message: 'expected a number of seconds' });
    await fails(argv('--vacuum=maybe'), { code: 'UW_CONFIG_INVALID_VALUE', file: CLI, key: 'vacuum', message: 'expected true, false, yes, no, on, off, 1 or 0, got "maybe"' });
    await fails(argv('--chmod-socket=rw'), { code: 'UW_CONFIG_INVALID_VALUE', file: CLI, key: 'chmod-socket', message: 'expected an octal mode' });
    await fails(argv('--listen', '1e3'), { code: 'UW_CONFIG_INVALID_VALUE', file: CLI, key: 'listen', message: 'got "1e3"' });
    await fails(argv('--reload-mode', 'rolling'), { code: 'UW_CONFIG_INVALID_VALUE', file: CLI, key: 'reload-mode', message: 'option "reload-mode": expected graceful or chain, got "rolling"' });
    await fails(argv('--env', 'NOEQUALS'), { code: 'UW_CONFIG_INVALID_VALUE', file: CLI, key: 'env', message: 'expected KEY=VALUE, got "NOEQUALS"' });
    await fails(argv('--chdir', 'nope'), { code: 'UW_CONFIG_INVALID_VALUE', file: CLI, key: 'chdir', message: 'expected an existing directory, got "nope"' });
    await fails(argv('--uid', 'uw-no-such-user'), { code: 'UW_CONFIG_INVALID_VALUE', file: CLI, key: 'uid', message: '(no such user (getent passwd))' });
    await fails(argv('--uid', '3999999999'), { code: 'UW_CONFIG_INVALID_VALUE', file: CLI, key: 'uid', message: 'expected a user known to the system, or gid set too, got "3999999999" (its primary group is unknown)' });
    await fails(argv('--gid', 'uw-no-such-group'), { code: 'UW_CONFIG_INVALID_VALUE', file: CLI, key: 'gid', message: '(no such group (getent group))' });
    await fails([{ kind: 'option', key: 'module', value: true, origin: CLI }], { code: 'UW_CONFIG_INVALID_VALUE', file: CLI, key: 'module', message: 'expected a value, got nothing' });
    await fails(argvToSources(['exec.ini', '--exec-stop-signal', 'SIGNOPE']), { code: 'UW_CONFIG_INVALID_VALUE', file: CLI, key: 'exec-stop-signal', message: 'expected a signal name or number' });
  });

  it('bad address', async () => {
    await fails(file('bad/bad-address.ini'), { code: 'UW_CONFIG_INVALID_VALUE', file: at('bad/bad-address.ini'), key: 'http-socket', message: 'expected host:port, :port or a socket path, got "localhost"' });
    await fails(argv('--socket', ':70000'), { code: 'UW_CONFIG_INVALID_VALUE', file: CLI, key: 'socket', message: 'got ":70000"' });
    await fails(argv('--http-socket', '127.0.0.1:5000', '--socket', ':5000'), { code: 'UW_CONFIG_CONFLICT', file: CLI, key: 'socket', message: 'address ":5000" is already listed' });
  });

  it('missing app', async () => {
    await fails(file('bad/no-app.ini'), { code: 'UW_CONFIG_MISSING', file: at('bad/no-app.ini'), message: 'no app: set module' });
    await fails(argvToSources(['--http-socket', ':0']), { code: 'UW_CONFIG_MISSING', file: undefined, message: 'no app' });
    await fails(file('bad/no-socket.ini'), { code: 'UW_CONFIG_MISSING', file: at('bad/no-socket.ini'), key: 'module', message: 'module needs an http-socket, socket (uwsgi) or raw-socket' });
    await fails(file('bad/missing-module.ini'), { code: 'UW_APP_NOT_FOUND', file: at('bad/missing-module.ini'), key: 'module', message: `module: file "${at('nope.mjs')}" not found` });
    await fails(argv('--chdir', 'bin'), { code: 'UW_APP_NOT_FOUND', file: at('minimal.ini'), key: 'module', message: at('bin/app.mjs') });
  });

  it('exec program missing or not executable', async () => {
    await fails(file('bad/exec-typo.ini'), { code: 'UW_APP_NOT_FOUND', file: at('bad/exec-typo.ini'), key: 'exec', message: 'exec: program "pythn3" not found on PATH' });
    await fails(argvToSources(['--exec', './bin/not-executable.sh']), { code: 'UW_APP_NOT_FOUND', file: CLI, key: 'exec', message: 'is not an executable file' });
    await fails(argvToSources(['--exec', 'bin/nope --x']), { code: 'UW_APP_NOT_FOUND', file: CLI, key: 'exec', message: 'exec: program "bin/nope" not found' });
  });

  it('conflicts', async () => {
    await fails(file('bad/conflict.ini'), { code: 'UW_CONFIG_CONFLICT', file: at('bad/conflict.ini'), key: 'exec', message: 'module and exec cannot be used together' });
    await fails(file('bad/exec-option-with-module.ini'), { code: 'UW_CONFIG_CONFLICT', file: at('bad/exec-option-with-module.ini'), key: 'exec-notify', message: 'option "exec-notify" only applies to exec' });
  });

  it('unreadable file', async () => {
    await fails(file('nope.ini'), { code: 'UW_CONFIG_UNREADABLE', file: at('nope.ini'), message: 'cannot read the config file: no such file' });
    await fails([{ kind: 'file', path: 'parts', format: 'ini' }], { code: 'UW_CONFIG_UNREADABLE', file: at('parts'), message: 'it is a directory' });
    await fails(file('bad/include-missing.ini'), { code: 'UW_CONFIG_UNREADABLE', file: at('bad/does-not-exist.ini'), message: 'cannot read the config file: no such file' });
  });

  it('syntax errors, with the line', async () => {
    await fails(file('bad/syntax.ini'), { code: 'UW_CONFIG_SYNTAX', file: at('bad/syntax.ini'), message: 'ini syntax error at line 3' });
    await fails(file('bad/syntax.yaml'), { code: 'UW_CONFIG_SYNTAX', file: at('bad/syntax.yaml'), message: 'YAML syntax error at line 3' });
    await fails(file('bad/syntax.json'), { code: 'UW_CONFIG_SYNTAX', file: at('bad/syntax.json'), message: 'JSON syntax error at line 4' });
  });

  it('missing section or unknown format', async () => {
    await fails(file('bad/no-section.ini'), { code: 'UW_CONFIG_FORMAT', file: at('bad/no-section.ini'), message: 'no [uwsgi] or [uw] section' });
    await fails(file('sections.ini:prod'), { code: 'UW_CONFIG_FORMAT', file: at('sections.ini'), message: 'no [prod] section' });
    await fails(file('full.json:prod'), { code: 'UW_CONFIG_FORMAT', file: at('full.json'), message: 'no "prod" top-level key' });
    await fails(file('bad/app.conf'), { code: 'UW_CONFIG_FORMAT', file: at('bad/app.conf'), message: 'extension ".conf"' });
  });

  it('include cycle, naming the chain', async () => {
    await fails(file('cycle-a.ini'), { code: 'UW_CONFIG_INCLUDE_CYCLE', file: at('cycle-b.ini'), key: 'inherit', message: 'include cycle: cycle-a.ini -> cycle-b.ini -> cycle-a.ini' });
    await fails(file('self-cycle.ini'), {
      code: 'UW_CONFIG_INCLUDE_CYCLE',
      file: at('self-cycle.ini'),
      key: 'ini',
      message: 'include cycle: self-cycle.ini -> self-cycle.ini:other -> self-cycle.ini:uwsgi -> self-cycle.ini:other',
    });
    await fails([{ kind: 'option', key: 'ini', value: true, origin: CLI }], { code: 'UW_CONFIG_INVALID_VALUE', file: CLI, key: 'ini', message: 'expected a file name' });
  });

  it('unset $(ENV) and placeholder problems', async () => {
    await fails(file('bad/env-unset.ini'), { code: 'UW_CONFIG_PLACEHOLDER', file: at('bad/env-unset.ini'), key: 'pidfile', message: 'environment variable "UW_TEST_SURELY_UNSET" is not set' });
    await fails(file('bad/placeholder-loop.ini'), { code: 'UW_CONFIG_PLACEHOLDER', file: at('bad/placeholder-loop.ini'), key: 'b', message: 'placeholder loop: %(a) -> %(b) -> %(a)' });
    await fails(argv('--pidfile', '%(nothing).pid'), { code: 'UW_CONFIG_PLACEHOLDER', file: CLI, key: 'pidfile', message: 'placeholder %(nothing) has no value' });
  });
});
