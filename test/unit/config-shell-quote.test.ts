// exec runs through /bin/sh -c: whatever an expansion inserts (%n from a file
// name, $(ENV), %(placeholder)) reaches the program as literal text, in each
// quoting context, and is never run.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { contextAt, quoteFor } from '../../src/config/shell-quote.js';
import { TempDir } from '../helpers/temp-dir.js';

const dir = new TempDir();
after(() => dir.remove());

/** The words sh makes of `args` (as printf's arguments), run in the temp dir. */
function words(args: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\n' ${args}`], { cwd: dir.path, encoding: 'utf8', timeout: 10_000 });
  return out.split('\n').slice(0, -1);
}

const NASTY = 'x$(touch PWNED)\'"`;a b\\';
const NAME = 'x$(touch PWNED)';

describe('exec expansions and the shell', () => {
  it('reads the quoting context before an offset', () => {
    assert.equal(contextAt('a \'b\' "c', 8), 'double');
    assert.equal(contextAt('a \'b', 4), 'single');
    assert.equal(contextAt('a \\\' b', 6), 'plain');
    assert.equal(contextAt('"it\'s"', 6), 'plain');
    assert.equal(contextAt('a "`echo \'', 10), 'backquote');
    assert.equal(contextAt("a '`' ", 6), 'plain');
  });

  it('refuses an expansion inside `...`, where sh would parse it again as a command', async () => {
    const file = "a';touch PWNED;'.ini";
    dir.write(file, "[uwsgi]\nhttp-socket = 127.0.0.1:0\nexec = /bin/echo \"`echo '%n'`\"\n");
    await assert.rejects(loadConfig({ sources: [{ kind: 'file', path: file }], cwd: dir.path, env: { PATH: '/usr/bin:/bin' } }), (err: Error) => {
      assert.match(err.message, /option "exec": an expansion cannot be used inside `...` in exec/);
      return true;
    });
    assert.ok(!existsSync(dir.file('PWNED')));
  });

  it('quotes a value so sh reads it back literally, in every context', () => {
    const args = `${quoteFor('plain', NASTY)} '${quoteFor('single', NASTY)}' "${quoteFor('double', NASTY)}" pre${quoteFor('plain', NASTY)}post`;
    assert.deepEqual(words(args), [NASTY, NASTY, NASTY, `pre${NASTY}post`]);
    assert.ok(!existsSync(dir.file('PWNED')));
  });

  it('quotes %n, $(ENV) and %(placeholder) in exec, and nothing else', async () => {
    const file = `${NAME}.ini`;
    dir.write(file, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nset-ph = ph=a b;c\nexec = /bin/echo %n "%n" '%n' $(NASTY) %(ph) 100%%\npidfile = /tmp/%n.pid\n`);
    const config = await loadConfig({ sources: [{ kind: 'file', path: file }], cwd: dir.path, env: { NASTY, PATH: '/usr/bin:/bin' } });
    const command = config.app.kind === 'exec' ? config.app.command : '';
    assert.deepEqual(words(command.replace(/^\/bin\/echo /, '')), [NAME, NAME, NAME, NASTY, 'a b;c', '100%']);
    assert.ok(!existsSync(dir.file('PWNED')), 'the file name was run as a command');
    assert.equal(config.pidfile, `/tmp/${NAME}.pid`, 'other options are not quoted');
  });

  it('still checks a program whose path comes from an expansion, quoted', async () => {
    mkdirSync(dir.file('a dir'));
    writeFileSync(dir.file('a dir/prog.sh'), '#!/bin/sh\nexec sleep 1\n', { mode: 0o755 });
    const file = dir.write('a dir/prog.ini', '[uwsgi]\nhttp-socket = 127.0.0.1:0\nexec = %dprog.sh --x\n');
    const config = await loadConfig({ sources: [{ kind: 'file', path: file }], cwd: dir.path, env: {} });
    assert.equal(config.app.kind === 'exec' && config.app.command, `'${dir.file('a dir')}/'prog.sh --x`);
    const missing = dir.write('a dir/missing.ini', '[uwsgi]\nhttp-socket = 127.0.0.1:0\nexec = %dnope.sh\n');
    await assert.rejects(loadConfig({ sources: [{ kind: 'file', path: missing }], cwd: dir.path, env: {} }), /exec: program ".*a dir\/nope\.sh" not found/);
  });
});
