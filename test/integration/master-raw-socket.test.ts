// A module vassal with a plain `socket` but no `connection` export used to
// never listen on it and say nothing; now it is a config error: the master
// exits 2 (the emperor's `broken`, not a crash loop) with a line that names
// the module and the option and points to http-socket.
import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { APPS, UW_BIN } from '../helpers/paths.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

describe('module with a plain socket', () => {
  it('without a connection export: a config error, exit 2, saying so and naming http-socket', async () => {
    const file = dir.write('raw.ini', `[uwsgi]\nsocket = ${dir.file('raw.sock')}\nmodule = ${APPS}hello.mjs\n`);
    const cli = new SpawnedCli(UW_BIN, [file]);
    const line = await waitFor('a log line with the app error', () => cli.lines.find((l) => JSON.stringify(l).includes('no \\"connection\\" export')), 15_000);
    const text = JSON.stringify(line);
    assert.ok(text.includes(`${APPS}hello.mjs`), text);
    assert.ok(text.includes('option \\"socket\\" of raw.ini'), text);
    assert.ok(text.includes('http-socket = ADDRESS'), text);
    assert.equal(cli.find('worker ready').length, 0, 'a worker that serves nothing is not ready');
    assert.deepEqual(await cli.exited, { code: 2, signal: null }, 'a config error ends the master, no respawn loop');
    assert.equal(cli.find('worker respawn scheduled').length, 0);
    assert.match(String(cli.find('config error found by a worker')[0]?.error), /^config error in .*raw\.ini: .*no "connection" export/);
  });
});
