// The promise of a graceful reload: ten SIGHUPs under concurrent load, with
// keep-alive clients and with a new connection per request, lose no request.
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startLoad } from '../helpers/load.js';
import { APPS, PYTHON } from '../helpers/paths.js';
import { killAll } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { startMaster } from '../helpers/uw-master.js';
import { waitFor } from '../helpers/wait-for.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

const RELOADS = 10;

describe('graceful reload under load', () => {
  for (const [kind, app] of [['module', `module = ${APPS}hello.mjs`], ['exec', `exec = ${PYTHON} ${APPS}server.py`]] as const) {
    it(`loses no request over ${RELOADS} reloads (${kind} workers)`, async () => {
      const file = dir.write(`lossless-${kind}.ini`, `[uwsgi]\nhttp-socket = 127.0.0.1:0\n${app}\nprocesses = 2\n`);
      const { cli, port } = await startMaster([file]);
      const load = startLoad(port, { keepAlive: 4, fresh: 4 });
      try {
        for (let reload = 1; reload <= RELOADS; reload += 1) {
          const before = load.result.ok;
          await waitFor('requests flowing', () => (load.result.ok >= before + 50 ? true : undefined));
          cli.signal('SIGHUP');
          await cli.waitForLog('reload finished', {}, reload, 30_000);
        }
        const before = load.result.ok;
        await waitFor('requests after the last reload', () => (load.result.ok >= before + 50 ? true : undefined));
      } finally {
        await load.stop();
      }
      const { ok, failed, errors, pids } = load.result;
      assert.equal(failed, 0, `failed requests: ${errors.slice(0, 5).join(', ')}`);
      assert.ok(ok > 500, `only ${ok} requests`);
      assert.ok(pids.size >= RELOADS, `answers came from ${pids.size} worker PIDs`);
      assert.equal(cli.find('reload failed, still serving with the old workers').length, 0);
    });
  }
});
