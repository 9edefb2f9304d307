// Vassals from a real etcd (/usr/bin/etcd on loopback ports, a temporary data
// directory): puts, deletes and outages drive real uw masters serving HTTP.
import assert from 'node:assert/strict';
import { afterEach, describe, test, type TestContext } from 'node:test';
import { EtcdCluster, etcdMissing } from '../helpers/etcd.js';
import { freePort } from '../helpers/free-port.js';
import { tryGet } from '../helpers/http-client.js';
import { FIXTURES } from '../helpers/paths.js';
import { killAll, type SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { startEmperor, waitForState } from './emperor-harness.js';

const APP = `${FIXTURES}emperor/app.mjs`;
const vassal = (port: number, version: string, extra = '') => `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${APP}\nprocesses = 1\nenv = VERSION=${version}\n${extra}`;

const answer = (port: number, pattern: RegExp, timeoutMs = 20_000) =>
  waitFor(`127.0.0.1:${port} to answer ${String(pattern)}`, async () => {
    const reply = await tryGet({ port });
    return reply?.status === 200 && pattern.test(reply.body) ? reply.body : undefined;
  }, timeoutMs);
const refused = (port: number) => waitFor(`127.0.0.1:${port} to refuse`, async () => ((await tryGet({ port })) === undefined ? true : undefined), 15_000);

const clusters: EtcdCluster[] = [];
const dirs: TempDir[] = [];
afterEach(async () => {
  await killAll();
  await Promise.all(clusters.splice(0).map((cluster) => cluster.stop()));
  for (const dir of dirs.splice(0)) dir.remove();
});

async function setUp(size: 1 | 3 = 1): Promise<{ dir: TempDir; etcd: EtcdCluster; start: (extra?: readonly string[]) => SpawnedCli }> {
  const dir = new TempDir();
  dirs.push(dir);
  const etcd = await EtcdCluster.start(dir, size);
  clusters.push(etcd);
  const start = (extra: readonly string[] = []) => startEmperor([etcd.spec('/uw'), '--etcd-cache', dir.file('cache'), '--host-id', 'h1', ...extra], { fake: false });
  return { dir, etcd, start };
}

/** ms from `since` to the first 200 matching `pattern`, for the closing note (never asserted). */
async function servedAfter(t: TestContext, what: string, since: number, port: number, pattern: RegExp): Promise<void> {
  await answer(port, pattern);
  t.diagnostic(`${what}: ${Date.now() - since} ms`);
}

describe('vassals from etcd', { skip: etcdMissing }, () => {
  test('a put starts, every put (even of the same value) reloads, a delete stops', async (t) => {
    const { etcd, start } = await setUp();
    const port = await freePort();
    const emperor = start();
    await emperor.waitForLog('etcd source started');
    let since = Date.now();
    await etcd.put('/uw/vassals/app.ini', vassal(port, '1'));
    await servedAfter(t, 'put -> serving (new vassal)', since, port, /^hi 1 \d+$/);
    const first = await answer(port, /^hi 1 /);

    since = Date.now();
    await etcd.put('/uw/vassals/app.ini', vassal(port, '1'));
    await emperor.waitForLog('vassal state', { vassal: 'vassals/app.ini', to: 'ready', reason: 'master reloaded' });
    t.diagnostic(`put of the same value -> reloaded: ${Date.now() - since} ms`);
    assert.notEqual(await answer(port, /^hi 1 /), first, 'a new worker generation answers after the same value was put again');

    since = Date.now();
    await etcd.put('/uw/vassals/app.ini', vassal(port, '2'));
    await servedAfter(t, 'put -> serving (changed value)', since, port, /^hi 2 \d+$/);

    await etcd.delete('/uw/vassals/app.ini');
    await waitForState(emperor, 'vassals/app.ini', 'stopped');
    await refused(port);
    assert.equal(emperor.find('vassal state', { vassal: 'vassals/app.ini', to: 'starting' }).length, 1, 'one master for the whole life: puts reloaded it');
  });

  test('a key pinned to this host runs here; one pinned to another host does not', async () => {
    const { etcd, start } = await setUp();
    const [mine, theirs] = [await freePort(), await freePort()];
    await etcd.put('/uw/hosts/h1/vassals/pinned.ini', vassal(mine, 'pinned'));
    await etcd.put('/uw/hosts/h2/vassals/other.ini', vassal(theirs, 'other'));
    const emperor = start();
    await waitForState(emperor, 'hosts/h1/vassals/pinned.ini', 'ready');
    await answer(mine, /^hi pinned /);
    assert.equal(await tryGet({ port: theirs }), undefined);
    assert.equal(emperor.find('vassal state', { from: null }).length, 1, 'only the pinned vassal of this host started');
  });
});
