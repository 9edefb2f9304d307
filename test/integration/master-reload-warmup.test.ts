// reload-warmup: a module worker that a reload starts first sends requests
// through Node's HTTP server over an in-memory connection, answered by uw; the
// app never sees them, and a vassal's first workers (nothing to take over
// from) skip it.
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { APPS } from '../helpers/paths.js';
import { get } from '../helpers/http-client.js';
import { killAll } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { startMaster } from '../helpers/uw-master.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

/** The worker's UW_HTTP_WARMUP, read from /proc/PID/environ; undefined without one. */
function warmupOf(pid: number): string | undefined {
  const entry = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((each) => each.startsWith('UW_HTTP_WARMUP='));
  return entry?.slice('UW_HTTP_WARMUP='.length);
}

describe('reload-warmup', () => {
  for (const [extra, expected] of [['', '100'], ['reload-warmup = 40\n', '40'], ['reload-warmup = 0\n', undefined]] as const) {
    it(`a reload's workers warm up (${extra.trim() || 'the default'}) out of the app's sight; the first ones do not`, async () => {
      const ini = dir.write(`warm-${expected ?? 'off'}.ini`, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}request-lines.mjs\nprocesses = 2\n${extra}`);
      // one the master itself was started with is no say of the vassal's
      const { cli, port } = await startMaster([ini], { env: { ...process.env, UW_HTTP_WARMUP: '7' } });
      for (const line of cli.find('worker ready')) assert.equal(warmupOf(Number(line.workerPid)), undefined, 'a first worker warmed up');
      cli.child.kill('SIGHUP');
      await cli.waitForLog('reload finished');
      const fresh = cli.find('worker ready').filter((line) => line.generation === 2);
      assert.equal(fresh.length, 2);
      for (const line of fresh) assert.equal(warmupOf(Number(line.workerPid)), expected);
      const reply = await get({ port }, '/after-reload');
      assert.equal(reply.body, 'seen /after-reload');
      await cli.waitForLog('app request', { url: '/after-reload' });
      assert.deepEqual(cli.find('app request').map((line) => line.url), ['/after-reload'], 'the app saw only the client request');
    });
  }
});
