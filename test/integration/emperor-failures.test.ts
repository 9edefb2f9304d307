// Failing vassals, with the real `uw` under the real `uwemperor`: a bad config
// is broken until its file changes; a master that keeps exiting before it is
// ready (a port another process holds: a transient error, exit 75) backs off
// visibly and recovers by touch or SIGURG; a master killed from outside
// restarts at once; nothing else is disturbed. Only the hung master that
// ignores SIGINT is the fake one: uw never ignores it, a custom master-bin may.
import assert from 'node:assert/strict';
import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../helpers/free-port.js';
import { APPS } from '../helpers/paths.js';
import { killAll, type SpawnedCli } from '../helpers/spawned-cli.js';
import { isAlive, waitFor } from '../helpers/wait-for.js';
import { count, startEmperor, statesOf, VassalDir, waitForState } from './emperor-harness.js';

const vassal = (port: number, extra = '') => `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${APPS}hello.mjs\nprocesses = 1\n${extra}`;

/** Hold 127.0.0.1:port, as an old master or another program would. */
function holdPort(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

const release = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
const touch = (path: string) => utimesSync(path, new Date(), new Date(Date.now() + 1_000));

describe('emperor: failing vassals (real uw)', () => {
  const dir = new VassalDir();
  let emperor: SpawnedCli;
  let goodPid: number;
  const held: Server[] = [];

  before(async () => {
    dir.write('good.ini', vassal(0));
    emperor = startEmperor([dir.path, '--rescan-interval', '0.2'], { fake: false });
    goodPid = Number((await waitForState(emperor, 'good.ini', 'ready')).masterPid);
  });
  after(async () => {
    await killAll();
    await Promise.all(held.map(release));
    dir.remove();
  });

  test('a bad config marks only its vassal broken, with the one-line error, and is not restarted', async () => {
    dir.write('bad.ini', vassal(0, 'processes = four\n'));
    const broken = await waitForState(emperor, 'bad.ini', 'broken');
    assert.match(String(broken.error), /^config error in .*bad\.ini: option "processes": expected an integer from 1 to 1024 .*, got "four" \[UW_CONFIG_INVALID_VALUE\]$/);
    const rescans = emperor.find('emperor rescan').length;
    await emperor.waitForLog('emperor rescan', {}, rescans + 2);
    assert.equal(count(emperor, 'master spawned', 'bad.ini'), 1, 'two rescans later, still one attempt');
    assert.deepEqual(statesOf(emperor, 'bad.ini'), ['starting', 'broken']);
  });

  test('fixing the broken file starts it', async () => {
    writeFileSync(dir.file('bad.ini'), vassal(0));
    await waitForState(emperor, 'bad.ini', 'ready');
  });

  test('a master that keeps exiting before ready (its port is taken) backs off 1 s, then 2 s, visibly in its state', async () => {
    const port = await freePort();
    const taken = await holdPort(port);
    held.push(taken);
    dir.write('taken.ini', vassal(port));
    const first = await waitForState(emperor, 'taken.ini', 'backoff');
    assert.equal(first.delayMs, 1_000);
    assert.match(String(first.reason), /master exited \(code 75\): .*address already in use.*\[UW_SOCKET_IN_USE\]; will retry in 1 s/);
    const second = await waitForState(emperor, 'taken.ini', 'backoff', 2);
    assert.equal(second.delayMs, 2_000);
    assert.ok(!statesOf(emperor, 'taken.ini').includes('broken'), 'a transient error is never broken');
    // the port is free again: a touch retries at once, not when the back-off runs out
    await release(taken);
    held.splice(held.indexOf(taken), 1);
    touch(dir.file('taken.ini'));
    const retried = await emperor.waitForLog('vassal state', { vassal: 'taken.ini', from: 'backoff', to: 'starting', reason: 'file changed' });
    assert.ok(retried);
    await waitForState(emperor, 'taken.ini', 'ready');
  });

  test('SIGURG clears the back-off at once', async () => {
    const port = await freePort();
    held.push(await holdPort(port));
    dir.write('loop.ini', vassal(port));
    await waitForState(emperor, 'loop.ini', 'backoff', 2);
    emperor.signal('SIGURG');
    // the next back-off would be 4 s: the start must come long before
    const cleared = await emperor.waitForLog('vassal state', { vassal: 'loop.ini', reason: 'back-off cleared' });
    assert.equal(cleared.to, 'starting');
    const again = await waitForState(emperor, 'loop.ini', 'backoff', 3);
    assert.equal(again.delayMs, 1_000, 'the count starts again');
    rmSync(dir.file('loop.ini'));
    await waitForState(emperor, 'loop.ini', 'stopped');
  });

  test('a master killed from outside after it was ready restarts at once', async () => {
    const before = Number((await waitForState(emperor, 'bad.ini', 'ready')).masterPid);
    process.kill(before, 'SIGKILL');
    const restarted = await emperor.waitForLog('vassal state', { vassal: 'bad.ini', to: 'starting', reason: 'master exited (signal SIGKILL)' });
    assert.ok(restarted);
    await emperor.waitForLog('vassal state', { vassal: 'bad.ini', to: 'ready', reason: 'master ready' }, 2);
  });

  test('through all of it the good vassal kept its one master', () => {
    assert.deepEqual(statesOf(emperor, 'good.ini'), ['starting', 'ready']);
    assert.ok(isAlive(goodPid));
  });
});

describe('emperor: a hung master (the fake one: uw never ignores SIGINT)', () => {
  const dir = new VassalDir();
  let emperor: SpawnedCli;

  before(() => {
    emperor = startEmperor([dir.path, '--reload-mercy', '0.5']);
  });
  after(async () => {
    await killAll();
    dir.remove();
  });

  test('a master that ignores SIGINT is killed after the mercy period', async () => {
    dir.write('stubborn.ini', 'mode = ignore-int\n');
    const ready = await waitForState(emperor, 'stubborn.ini', 'ready');
    rmSync(dir.file('stubborn.ini'));
    await emperor.waitForLog('fake master ignored SIGINT', { vassal: 'stubborn.ini' });
    const killed = await emperor.waitForLog('master killed after mercy', { vassal: 'stubborn.ini' });
    assert.equal(killed.mercyMs, 500);
    await waitForState(emperor, 'stubborn.ini', 'stopped');
    assert.equal(emperor.find('master exited', { vassal: 'stubborn.ini' })[0]?.signal, 'SIGKILL');
    await waitFor('the stubborn master to be gone', () => (isAlive(Number(ready.masterPid)) ? undefined : true), 5_000);
  });
});
