// The emperor's `stats` and `control` options: converted once, bad values named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEmperorArgv } from '../../src/emperor/emperor-argv.js';
import { buildEmperorSettings } from '../../src/emperor/emperor-settings.js';
import { describeError, UwError } from '../../src/errors.js';

const fromArgv = (...argv: string[]) => {
  const parsed = parseEmperorArgv(argv, '/work');
  return buildEmperorSettings(parsed.kind === 'run' ? parsed.options : []);
};

test('neither by default; stats takes host:port, :port (loopback) or a path; control a path resolved against the cwd', () => {
  const none = fromArgv('v');
  assert.equal(none.stats, undefined);
  assert.equal(none.control, undefined);
  assert.deepEqual(fromArgv('v', '--stats', ':9190').stats, { type: 'tcp', host: '127.0.0.1', port: 9190 });
  assert.deepEqual(fromArgv('v', '--stats', '0.0.0.0:9190').stats, { type: 'tcp', host: '0.0.0.0', port: 9190 });
  assert.deepEqual(fromArgv('v', '--stats', 'run/e.stats').stats, { type: 'unix', path: '/work/run/e.stats' });
  assert.equal(fromArgv('v', '--control', 'ctl.sock').control, '/work/ctl.sock');
});

test('bad values name the option', () => {
  const fails = (args: string[], pattern: RegExp) =>
    assert.throws(() => fromArgv('v', ...args), (err: unknown) => err instanceof UwError && err.code === 'UW_USAGE' && pattern.test(describeError(err)));
  fails(['--stats', 'nine'], /--stats to be host:port, :port or a socket path, got "nine"/);
  fails(['--stats', ':99999'], /--stats/);
  fails(['--control', `/${'x'.repeat(120)}`], /--control to be a socket path of at most 107 bytes/);
});
