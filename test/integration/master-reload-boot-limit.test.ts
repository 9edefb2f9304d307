// reload-boot-limit: a graceful reload boots its new workers a few at a time
// while the old ones serve, the next as soon as one is ready; a replacement that
// never gets ready stops the reload before the rest start. Judged by the order
// and count of the master's log lines.
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { APPS } from '../helpers/paths.js';
import { killAll, type SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { startMaster } from '../helpers/uw-master.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

/** The spawned / ready lines of `generation`, in log order, as "spawned 1", "ready 1", ... */
function bootOrder(cli: SpawnedCli, generation: number): string[] {
  return cli.find('worker spawned', { generation }).concat(cli.find('worker ready', { generation }))
    .sort((a, b) => cli.lines.indexOf(a) - cli.lines.indexOf(b))
    .map((line) => `${line.msg === 'worker spawned' ? 'spawned' : 'ready'} ${String(line.worker)}`);
}

const ini = (name: string, app: string, extra: string): string => dir.write(name, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}${app}\nprocesses = 3\n${extra}`);

describe('reload-boot-limit', () => {
  it('= 1 starts each new worker once the previous one is ready', async () => {
    const { cli } = await startMaster([ini('limit-1.ini', 'hello.mjs', 'reload-boot-limit = 1\n')]);
    cli.signal('SIGHUP');
    await cli.waitForLog('reload finished');
    assert.deepEqual(bootOrder(cli, 2), ['spawned 1', 'ready 1', 'spawned 2', 'ready 2', 'spawned 3', 'ready 3']);
  });

  it('by default starts every new worker at once', async () => {
    const { cli } = await startMaster([ini('limit-0.ini', 'hello.mjs', '')]);
    cli.signal('SIGHUP');
    await cli.waitForLog('reload finished');
    assert.deepEqual(bootOrder(cli, 2).slice(0, 3), ['spawned 1', 'spawned 2', 'spawned 3']);
  });

  it('stops at a worker that never gets ready: the rest never start, the old ones keep serving', async () => {
    const file = ini('stuck.ini', 'hello.mjs', 'reload-boot-limit = 1\n');
    const { cli } = await startMaster([file]);
    // worker 1 serves, worker 2 hangs at start-up (ready-timeout 1 s), worker 3 must never start;
    // reload-nice = 0: a healthy worker booting at niceness 10 on a loaded machine could miss the 1 s itself
    writeFileSync(file, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hang-unless-first.mjs\nprocesses = 3\nreload-boot-limit = 1\nready-timeout = 1\nreload-nice = 0\n`);
    cli.signal('SIGHUP');
    const failed = await cli.waitForLog('reload failed, still serving with the old workers');
    assert.match(String(failed.reason), /ready/);
    assert.deepEqual(bootOrder(cli, 2), ['spawned 1', 'ready 1', 'spawned 2']);
    assert.equal(cli.find('worker exited', { generation: 1 }).length, 0, 'the old workers still serve');
  });
});
