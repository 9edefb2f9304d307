// A module vassal with a plain `socket` but no `connection` export used to
// never listen on it and say nothing; now its worker fails with a line that
// names the module and the option and points to http-socket.
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
  it('without a connection export: the worker fails, saying so and naming http-socket', async () => {
    const file = dir.write('raw.ini', `[uwsgi]\nsocket = ${dir.file('raw.sock')}\nmodule = ${APPS}hello.mjs\n`);
    const cli = new SpawnedCli(UW_BIN, [file]);
    const line = await waitFor('a log line with the app error', () => cli.lines.find((l) => JSON.stringify(l).includes('no \\"connection\\" export')), 15_000);
    const text = JSON.stringify(line);
    assert.ok(text.includes(`${APPS}hello.mjs`), text);
    assert.ok(text.includes('option \\"socket\\" of raw.ini'), text);
    assert.ok(text.includes('http-socket = ADDRESS'), text);
    assert.equal(cli.find('worker ready').length, 0, 'a worker that serves nothing is not ready');
  });
});
