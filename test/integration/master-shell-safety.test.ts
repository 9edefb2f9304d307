// An exec vassal whose file name holds shell syntax: the real master runs the
// worker through /bin/sh -c, and %n must reach the program as the literal name.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, afterEach, describe, it } from 'node:test';
import { APPS } from '../helpers/paths.js';
import { killAll } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { startMaster } from '../helpers/uw-master.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

describe('exec and shell syntax in expansions', () => {
  it('a vassal file named x$(touch PWNED).ini runs nothing and passes its literal name', async () => {
    const name = 'x$(touch PWNED)';
    const out = dir.file('argv.txt');
    const file = dir.write(`${name}.ini`, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nexec = ${APPS}argv-probe.sh %n "%n" '%s'\nenv = PROBE_OUT=${out}\n`);
    await startMaster([file], { cwd: dir.path });
    assert.equal(readFileSync(out, 'utf8'), `${name}\n${name}\n${name}.ini\n`);
    assert.ok(!existsSync(dir.file('PWNED')), 'the shell ran the command in the file name');
  });
});
