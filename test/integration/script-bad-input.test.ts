// Bad script apps with a real `uw`: each gives one clear line and the usual
// back-off, and none hangs a reload: a script that does not exist (config
// error, exit 2), a syntax error and a throw before listening (the app's type,
// place and stack, as for a module), an app that forks its own cluster, one
// that never listens (ready-timeout names the socket; script-ready-after
// makes it ready with a warning).
import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { get } from '../helpers/http-client.js';
import { UW_BIN } from '../helpers/paths.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { startMaster } from '../helpers/uw-master.js';
import { SCRIPTS, scriptVassal } from './script-harness.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

describe('bad script apps', () => {
  it('a script that does not exist: one line naming the option, exit 2, no worker', async () => {
    const file = dir.write('missing.ini', '[uwsgi]\nhttp-socket = 127.0.0.1:0\nscript = no-such-server.js\n');
    const cli = new SpawnedCli(UW_BIN, [file], { cwd: dir.path });
    assert.equal((await cli.exited).code, 2);
    assert.equal(cli.stderr.trim(), `uw: config error in ${file}: script: file "${dir.path}/no-such-server.js" not found [UW_APP_NOT_FOUND]`);
    assert.equal(cli.find('worker spawned').length, 0);
  });

  it('a syntax error: its type and line, then back-off', async () => {
    const cli = new SpawnedCli(UW_BIN, [scriptVassal(dir, 'syntax.ini', 'syntax-error.mjs', '', 1)]);
    const error = await cli.waitForLog('worker app error');
    assert.deepEqual([error.errorType, error.file, error.line], ['SyntaxError', `${SCRIPTS}syntax-error.mjs`, 4]);
    const second = await cli.waitForLog('worker respawn scheduled', {}, 2);
    assert.match(String(second.reason), new RegExp(`before it was ready: SyntaxError at ${SCRIPTS}syntax-error\\.mjs:4: Unexpected token`));
    const delays = cli.find('worker respawn scheduled').map((line) => Number(line.delayMs));
    assert.ok((delays[1] ?? 0) > (delays[0] ?? 0), `backs off: ${delays.join(', ')}`);
  });

  it('a throw before listening: the app\'s error, place and stack', async () => {
    const cli = new SpawnedCli(UW_BIN, [scriptVassal(dir, 'throws.ini', 'throws-before-listen.mjs', '', 1)]);
    const error = await cli.waitForLog('worker app error');
    assert.deepEqual([error.errorType, error.message, error.file, error.line], ['Error', 'DATABASE_URL is not set', `${SCRIPTS}throws-before-listen.mjs`, 5]);
    assert.match(String(error.stack), /at loadSettings \(.*throws-before-listen\.mjs:5:9\)/);
    const respawn = await cli.waitForLog('worker respawn scheduled');
    assert.equal(respawn.reason, `worker 1 exited with code 1 before it was ready: Error at ${SCRIPTS}throws-before-listen.mjs:5: DATABASE_URL is not set`);
  });

  it('an app that forks its own cluster is told why it cannot, at its cluster.fork line', async () => {
    const cli = new SpawnedCli(UW_BIN, [scriptVassal(dir, 'cluster.ini', 'cluster-fork.mjs', '', 1)]);
    const error = await cli.waitForLog('worker app error');
    assert.equal(error.file, `${SCRIPTS}cluster-fork.mjs`);
    assert.match(String(error.message), /this app forks its own cluster \(cluster\.fork\); under uw the master runs the workers: remove the cluster code and set processes = N/);
    await cli.waitForLog('worker respawn scheduled', {}, 2);
  });

  it('an app that never listens: ready-timeout names the socket and what to do; script-ready-after makes it ready with a warning', async () => {
    const cli = new SpawnedCli(UW_BIN, [scriptVassal(dir, 'never.ini', 'never-listens.mjs', 'ready-timeout = 1\n', 1)]);
    const respawn = await cli.waitForLog('worker respawn scheduled');
    assert.match(String(respawn.reason), /^worker 1 was not ready within 1000 ms: the app never listened on 127\.0\.0\.1:\d+ \(.*script-ready-after or a longer ready-timeout\)$/);
    const { cli: lenient } = await startMaster([scriptVassal(dir, 'lenient.ini', 'never-listens.mjs', 'script-ready-after = 0.3\n', 1)]);
    const warning = lenient.find('script ready (script-ready-after) without listening on every socket: those get no traffic from this worker')[0];
    assert.deepEqual(warning?.unclaimed, [String(lenient.find('socket bound')[0]?.where)]);
  });

  it('none of them hangs a reload: each fails it at once, the old workers keep serving, a fixed file reloads', async () => {
    // a plain node:http app starts fast even on a busy machine; only never-listens gets a short ready-timeout
    const { cli, port } = await startMaster([scriptVassal(dir, 'reload.ini', 'commonjs.cjs')]);
    const bad: [string, string, RegExp][] = [
      ['throws-before-listen.mjs', '', /before it was ready: Error at .*: DATABASE_URL is not set$/],
      ['syntax-error.mjs', '', /before it was ready: SyntaxError at .*syntax-error\.mjs:4/],
      ['cluster-fork.mjs', '', /forks its own cluster/],
      ['never-listens.mjs', 'ready-timeout = 3\n', /not ready within 3000 ms: the app never listened on 127\.0\.0\.1:\d+/],
      ['no-such-server.mjs', '', /script: file ".*no-such-server\.mjs" not found \[UW_APP_NOT_FOUND\]$/],
    ];
    for (const [index, [script, extra, reason]] of bad.entries()) {
      scriptVassal(dir, 'reload.ini', script, extra);
      cli.signal('SIGHUP');
      const failed = await cli.waitForLog('reload failed, still serving with the old workers', {}, index + 1, 30_000);
      assert.match(String(failed.reason), reason);
      assert.match((await get({ port })).body, /^hello \d+ cjs$/, `old workers still serve after ${script}`);
    }
    scriptVassal(dir, 'reload.ini', 'koa.mjs');
    cli.signal('SIGHUP');
    await cli.waitForLog('reload finished', {}, 1, 30_000);
    assert.match((await get({ port })).body, /^hello \d+$/, 'the Koa generation serves');
  });
});
