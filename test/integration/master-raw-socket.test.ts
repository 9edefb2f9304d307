// Raw sockets are raw-socket now; socket speaks the uwsgi protocol, as in
// uWSGI. A module that cannot serve a socket it is given is a config error: the
// master exits 2 (the emperor's `broken`, not a crash loop) with a line that
// names the module and the option and says which option to use instead.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, afterEach, describe, it } from 'node:test';
import { APPS, UW_BIN } from '../helpers/paths.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { startMaster } from '../helpers/uw-master.js';
import { waitFor } from '../helpers/wait-for.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

/** Start uw on `ini` and expect a config error from its worker whose text includes `needle`. */
async function configError(name: string, ini: string, needle: string): Promise<string> {
  const file = dir.write(name, ini);
  const cli = new SpawnedCli(UW_BIN, [file]);
  const line = await waitFor('a log line with the app error', () => cli.lines.find((l) => JSON.stringify(l).includes(needle)), 15_000);
  assert.equal(cli.find('worker ready').length, 0, 'a worker that serves nothing is not ready');
  assert.deepEqual(await cli.exited, { code: 2, signal: null }, 'a config error ends the master, no respawn loop');
  assert.equal(cli.find('worker respawn scheduled').length, 0);
  assert.match(String(cli.find('config error found by a worker')[0]?.error), new RegExp(`^config error in .*${name.replace('.', '\\.')}: `));
  return JSON.stringify(line);
}

describe('raw-socket, and socket used the old way', () => {
  it('raw-socket without a connection export: a config error, exit 2, naming http-socket and socket', async () => {
    const text = await configError('raw.ini', `[uwsgi]\nraw-socket = ${dir.file('raw.sock')}\nmodule = ${APPS}hello.mjs\n`, 'no \\"connection\\" export');
    assert.ok(text.includes(`${APPS}hello.mjs`), text);
    assert.ok(text.includes('option \\"raw-socket\\" of raw.ini'), text);
    assert.ok(text.includes('http-socket = ADDRESS'), text);
    assert.ok(text.includes('socket = ADDRESS for the uwsgi protocol'), text);
  });

  it('socket with a module exporting connection (the old raw use): a config error pointing to raw-socket', async () => {
    const text = await configError('old.ini', `[uwsgi]\nsocket = ${dir.file('old.sock')}\nmodule = ${APPS}raw-only.mjs\n`, 'use raw-socket = ADDRESS');
    assert.ok(text.includes('option \\"socket\\" of old.ini speaks the uwsgi protocol'), text);
  });

  it('a module with only a connection export serves raw-socket', async () => {
    const path = dir.file('only.sock');
    const { cli } = await startMaster([dir.write('only.ini', `[uwsgi]\nraw-socket = ${path}\nmodule = ${APPS}raw-only.mjs\n`)]);
    const line = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(path);
      socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    assert.match(line, /^raw-only \d+\n$/);
    assert.equal(cli.find('socket bound', { where: path, protocol: 'raw' }).length, 1);
  });
});
