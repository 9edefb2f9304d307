// Vassals from a real etcd (/usr/bin/etcd on loopback ports, a temporary data
// directory): puts, deletes and outages drive real uw masters serving HTTP.
import assert from 'node:assert/strict';
import { afterEach, describe, test, type TestContext } from 'node:test';
import { Etcd3 } from 'etcd3';
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
    const seen = await waitForState(emperor, 'vassals/app.ini', 'starting');
    t.diagnostic(`put -> vassal starting (the emperor's part): ${Date.parse(String(seen.time)) - since} ms`);
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

  test('a key pinned to this host runs here, one pinned to another host does not; includes resolve within the prefix', async () => {
    const { etcd, start } = await setUp();
    const [mine, theirs, included] = [await freePort(), await freePort(), await freePort()];
    await etcd.put('/uw/hosts/h1/vassals/pinned.ini', vassal(mine, 'pinned'));
    await etcd.put('/uw/hosts/h2/vassals/other.ini', vassal(theirs, 'other'));
    await etcd.put('/uw/include/base.ini', '[uwsgi]\nprocesses = 1\nenv = VERSION=from-include\n');
    await etcd.put('/uw/vassals/inc.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:${included}\nmodule = ${APP}\nini = ../include/base.ini\n`);
    const emperor = start();
    await waitForState(emperor, 'hosts/h1/vassals/pinned.ini', 'ready');
    await answer(mine, /^hi pinned /);
    await answer(included, /^hi from-include /);
    assert.equal(await tryGet({ port: theirs }), undefined);
    assert.deepEqual(emperor.find('vassal state', { from: null }).map((line) => line.vassal).sort(), ['hosts/h1/vassals/pinned.ini', 'vassals/inc.ini'], 'the pinned vassal of this host and the shared one started, nothing else');
  });

  test('an outage: vassals keep serving; changes made meanwhile (then compacted away) are all applied on reconnect', async (t) => {
    const { etcd, start } = await setUp();
    const [a, b, c] = [await freePort(), await freePort(), await freePort()];
    await etcd.put('/uw/vassals/a.ini', vassal(a, 'a1'));
    await etcd.put('/uw/vassals/b.ini', vassal(b, 'b1'));
    const emperor = start();
    await Promise.all([answer(a, /^hi a1 /), answer(b, /^hi b1 /)]);

    // first outage: etcd gone, then back with a put made while the emperor could not see it (the watch resumes)
    await etcd.stopMember(0);
    await emperor.waitForLog('etcd unreachable: running vassals keep running; retrying');
    await Promise.all([answer(a, /^hi a1 /), answer(b, /^hi b1 /)]);
    await etcd.hidden(0, (aside) => aside.put('/uw/vassals/a.ini').value(vassal(a, 'a2')).exec());
    etcd.startMember(0);
    await emperor.waitForLog('etcd reachable again');
    await answer(a, /^hi a2 /);

    // second outage: a change, a delete, a new key, and a compaction past the emperor's revision
    await etcd.stopMember(0);
    await emperor.waitForLog('etcd unreachable: running vassals keep running; retrying', {}, 2);
    await etcd.hidden(0, async (aside) => {
      await aside.put('/uw/vassals/a.ini').value(vassal(a, 'a3')).exec();
      await aside.delete().key('/uw/vassals/b.ini').exec();
      await aside.put('/uw/vassals/c.ini').value(vassal(c, 'c1')).exec();
      await etcd.compact(aside);
    });
    await answer(b, /^hi b1 /);
    const since = Date.now();
    etcd.startMember(0);
    await emperor.waitForLog('etcd watch canceled (compacted past it?): listing again');
    await Promise.all([answer(a, /^hi a3 /), answer(c, /^hi c1 /), refused(b)]);
    t.diagnostic(`etcd back after a compacted outage -> every change serving: ${Date.now() - since} ms`);
    assert.equal(emperor.find('etcd unreachable: running vassals keep running; retrying').length, 2, 'logged once per outage');
    assert.equal(emperor.find('vassal state', { vassal: 'vassals/a.ini', to: 'starting' }).length, 1, 'a was reloaded, never restarted');
  });

  test('an emperor started while etcd is down runs what its cache holds, and catches up when etcd is back', async () => {
    const { etcd, start } = await setUp();
    const [a, b] = [await freePort(), await freePort()];
    await etcd.put('/uw/vassals/a.ini', vassal(a, 'a1'));
    const first = start();
    await answer(a, /^hi a1 /);
    await first.kill();
    await refused(a);
    await etcd.stopMember(0);
    const second = start();
    await second.waitForLog('etcd unreachable: running vassals keep running; retrying');
    await answer(a, /^hi a1 /);
    await etcd.hidden(0, async (aside) => {
      await aside.delete().key('/uw/vassals/a.ini').exec();
      await aside.put('/uw/vassals/b.ini').value(vassal(b, 'b1')).exec();
    });
    etcd.startMember(0);
    await second.waitForLog('etcd reachable again');
    await Promise.all([refused(a), answer(b, /^hi b1 /)]);
  });

  test('a 3-member cluster loses its leader, then each other member in turn: vassals are not disturbed, later puts apply', async () => {
    const { etcd, start } = await setUp(3);
    const ports = [await freePort(), await freePort(), await freePort(), await freePort()];
    await etcd.put('/uw/vassals/a.ini', vassal(ports[0] ?? 0, 'a1'));
    const emperor = start();
    await answer(ports[0] ?? 0, /^hi a1 /);
    // a worker can answer before the emperor logs the vassal ready: the baseline starts after that line
    await emperor.waitForLog('vassal state', { vassal: 'vassals/a.ini', to: 'ready' });
    const linesBefore = emperor.find('vassal state').length;
    // the leader first; then the others, so the member the emperor's watch is on surely goes away once
    const leader = await etcd.leader();
    const victims = [leader, ...[0, 1, 2].filter((index) => index !== leader)];
    for (const [round, victim] of victims.entries()) {
      const during = (err: Error): never => {
        throw new Error(`round ${round} (member ${victim} killed): ${err.message}`);
      };
      await etcd.stopMember(victim, 'SIGKILL');
      await etcd.waitHealthy().catch(during);
      const port = ports[round + 1] ?? 0;
      await etcd.put(`/uw/vassals/v${round}.ini`, vassal(port, `v${round}`)).catch(during);
      await answer(port, new RegExp(`^hi v${round} `));
      etcd.startMember(victim);
      // back in the cluster before the next member goes: two members must stay for a quorum
      await etcd.waitHealthy(20_000, victim).catch(during);
    }
    await answer(ports[0] ?? 0, /^hi a1 /);
    const after = emperor.find('vassal state').slice(linesBefore);
    assert.deepEqual(after.filter((line) => line.vassal === 'vassals/a.ini'), [], 'a saw no state change');
  });

  test('malformed values are refused one line each, naming the key, or broken; the other vassals are not disturbed', async () => {
    const { etcd, start } = await setUp();
    const [good, broken] = [await freePort(), await freePort()];
    await etcd.put('/uw/vassals/good.ini', vassal(good, 'g'));
    const emperor = start();
    await answer(good, /^hi g /);
    await etcd.put('/uw/vassals/sub/dir.ini', vassal(good, 'x'));
    await etcd.put('/uw/vassals/..ini', vassal(good, 'x'));
    await etcd.put('/uw/vassals/notes.txt', 'hello');
    await etcd.put('/uw/vassals/big.ini', `[uwsgi]\n; ${'x'.repeat(1024 * 1024)}\n`);
    await etcd.put('/uw/vassals/attrs.ini', `${vassal(broken, 'b')}[emperor]\ninstance = 2\n`);
    await etcd.put('/uw/vassals/config.ini', vassal(broken, 'b').replace('processes = 1', 'processes = four'));
    for (const key of ['/uw/vassals/sub/dir.ini', '/uw/vassals/..ini', '/uw/vassals/notes.txt']) {
      const line = await emperor.waitForLog('vassal refused', { key, code: 'UW_ETCD_VALUE' });
      assert.match(String(line.error), new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: expected `));
    }
    assert.match(String((await emperor.waitForLog('vassal refused', { key: '/uw/vassals/big.ini' })).error), /over the 1048576/);
    const attrs = await waitForState(emperor, 'vassals/attrs.ini', 'broken');
    assert.match(String(attrs.error), /vassals\/attrs\.ini: unknown option "instance" in \[emperor\]/);
    const config = await waitForState(emperor, 'vassals/config.ini', 'broken');
    assert.match(String(config.error), /processes.*four/);
    assert.equal(await tryGet({ port: broken }), undefined);
    assert.deepEqual(emperor.find('vassal state', { vassal: 'vassals/good.ini' }).map((line) => line.to), ['starting', 'ready'], 'good.ini was not disturbed');
    assert.equal(emperor.find('vassal refused').length, 4, 'one line per malformed key');
  });

  test('etcd auth: the password comes from a file, and a wrong one is an outage whose line never shows it', async () => {
    const { dir, etcd, start } = await setUp();
    const port = await freePort();
    await etcd.etcd.role('root').create().catch(() => undefined);
    await etcd.etcd.user('root').create('s3cret-pw');
    await etcd.etcd.user('root').addRole('root');
    await etcd.etcd.auth.authEnable({});
    const authed = new Etcd3({ hosts: etcd.endpoints.map((endpoint) => `http://${endpoint}`), auth: { username: 'root', password: 's3cret-pw' } });
    try {
      await authed.put('/uw/vassals/app.ini').value(vassal(port, 'auth')).exec();
    } finally {
      authed.close();
    }
    const good = start(['--etcd-user', 'root', '--etcd-password-file', dir.write('password', 's3cret-pw\n')]);
    await answer(port, /^hi auth /);
    await good.kill();
    const bad = start(['--etcd-user', 'root', '--etcd-password-file', dir.write('wrong', 'not-it-pw\n'), '--control', dir.file('other.sock')]);
    const line = await bad.waitForLog('etcd unreachable: running vassals keep running; retrying', { code: 'UW_ETCD_UNREACHABLE' });
    assert.doesNotMatch(JSON.stringify(line), /not-it-pw|s3cret-pw/);
    assert.doesNotMatch(bad.stdout + bad.stderr, /not-it-pw|s3cret-pw/);
  });
});
