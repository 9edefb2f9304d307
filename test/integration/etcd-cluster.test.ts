// Three real emperors (distinct host ids, each with its own port for the same
// vassal through $(WEB_PORT) from its environment) on one etcd: an
// `instances = 2` vassal serves on exactly two of them; SIGKILL one of those
// (its masters die with it, by parent-death) and the third serves within the
// TTL plus a master's start; the dead host's status keys vanish with its
// lease; `uwemperor ls --cluster` lists the vassal on the hosts that run it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, afterEach, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { freePort } from '../helpers/free-port.js';
import { EtcdCluster, etcdMissing } from '../helpers/etcd.js';
import { tryGet } from '../helpers/http-client.js';
import { EMPEROR_BIN, FIXTURES } from '../helpers/paths.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { isAlive, waitFor } from '../helpers/wait-for.js';
import { startEmperor, waitForState } from './emperor-harness.js';

const TTL_SECONDS = 3;
/** three emperors and their masters starting at once on a loaded 2-core machine take a while */
const START_MS = 60_000;
const PREFIX = '/uw';
const APP = `${FIXTURES}emperor/app.mjs`;
const VASSAL = `[uwsgi]\nhttp-socket = 127.0.0.1:$(WEB_PORT)\nmodule = ${APP}\nprocesses = 1\n[emperor]\ninstances = 2\n`;
const HOSTS = ['host-a', 'host-b', 'host-c'] as const;

interface Host {
  readonly id: string;
  readonly port: number;
  readonly emperor: SpawnedCli;
}

const serves = async (port: number) => (await tryGet({ port }))?.status === 200;

describe('vassals placed across three emperors by etcd', { skip: etcdMissing }, () => {
  const dir = new TempDir();
  let etcd: EtcdCluster;
  before(async () => {
    etcd = await EtcdCluster.start(dir);
  });
  afterEach(() => killAll());
  after(async () => {
    await etcd?.stop();
    dir.remove();
  });

  const startHost = async (id: string, prefix = PREFIX, ttlSeconds = TTL_SECONDS): Promise<Host> => {
    const port = await freePort();
    const emperor = startEmperor([etcd.spec(prefix), '--host-id', id, '--etcd-ttl', String(ttlSeconds), '--etcd-cache', dir.file(`cache-${id}`)], {
      fake: false,
      env: { WEB_PORT: String(port) },
    });
    await emperor.waitForLog('cluster member registered', { host: id }, 1, START_MS);
    return { id, port, emperor };
  };

  /** Wait until every host's emperor lists them all as members. */
  const allMembers = (hosts: readonly Host[]) =>
    Promise.all(hosts.map((host) => waitFor(`${host.id} to see every member`, () => {
      const seen = host.emperor.find('cluster members').at(-1)?.members;
      return Array.isArray(seen) && seen.length === hosts.length ? true : undefined;
    }, START_MS)));

  /** Which hosts' ports answer now. */
  const serving = async (hosts: readonly Host[]) => (await Promise.all(hosts.map(async (host) => ((await serves(host.port)) ? host.id : null)))).filter((id) => id !== null);

  const lsCluster = async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [EMPEROR_BIN, 'ls', '--cluster', etcd.spec(PREFIX), '--json']);
    return JSON.parse(stdout) as { host: string; vassal: string; state: string; pid: number | null }[];
  };

  test('instances = 2 serve on two hosts; a SIGKILLed host\'s share moves to the third within the TTL; status follows', async (t) => {
    const hosts = await Promise.all(HOSTS.map((id) => startHost(id)));
    await allMembers(hosts);
    const putAt = Date.now();
    await etcd.put(`${PREFIX}/vassals/web.ini`, VASSAL);
    const first = await waitFor('two hosts to serve', async () => {
      const ids = await serving(hosts);
      return ids.length === 2 ? ids : undefined;
    }, START_MS, 50);
    t.diagnostic(`put -> serving on both assigned hosts: ${Date.now() - putAt} ms`);
    // nothing starts on the third (give the status keys time to settle: the third never wrote one)
    const rows = await waitFor('ls --cluster to list both', async () => {
      const listed = await lsCluster();
      return listed.length === 2 && listed.every((row) => row.state === 'ready') ? listed : undefined;
    }, 20_000, 200);
    assert.deepEqual(rows.map((row) => row.host).sort(), [...first].sort());
    assert.deepEqual(rows.map((row) => row.vassal), ['web.ini', 'web.ini']);
    assert.deepEqual(await serving(hosts), first, 'still only those two');

    // SIGKILL one of them: its master dies with it (parent-death signal)
    const victim = hosts.find((host) => host.id === first[0]) as Host;
    const third = hosts.find((host) => !first.includes(host.id)) as Host;
    const masters = victim.emperor.descendants();
    assert.ok(masters.length > 0, 'the victim runs a master');
    const killedAt = Date.now();
    victim.emperor.signal('SIGKILL');
    await waitFor('the victim\'s master and workers to die with it', () => (masters.every((pid) => !isAlive(pid)) ? true : undefined), 10_000);
    await waitFor(`${third.id} to serve`, () => serves(third.port).then((ok) => (ok ? true : undefined)), TTL_SECONDS * 1000 + START_MS, 50);
    t.diagnostic(`member SIGKILLed -> serving on ${third.id}: ${Date.now() - killedAt} ms (etcd-ttl ${TTL_SECONDS} s)`);
    assert.equal(await serves(victim.port), false);

    const after = await waitFor('ls --cluster to list the two live hosts only', async () => {
      const listed = await lsCluster();
      return listed.length === 2 && listed.every((row) => row.host !== victim.id && row.state === 'ready') ? listed : undefined;
    }, 20_000, 200);
    assert.deepEqual(after.map((row) => row.host).sort(), hosts.filter((host) => host !== victim).map((host) => host.id).sort());
    assert.equal(await etcd.etcd.get(`${PREFIX}/members/${victim.id}`).string(), null);
    assert.deepEqual(await etcd.etcd.getAll().prefix(`${PREFIX}/status/${victim.id}/`).keys(), []);
  });

  test('a stopped emperor leaves at once (its lease revoked) and the others take its share while it stops', async () => {
    // a TTL far longer than the wait below: only the revocation can make the other host take over in time
    const hosts = await Promise.all(HOSTS.slice(0, 2).map((id) => startHost(id, '/uw2', 600)));
    await allMembers(hosts);
    await etcd.put(`/uw2/vassals/solo.ini`, VASSAL.replace('instances = 2', 'instances = 1'));
    const [owner] = await waitFor('one host to serve', async () => {
      const ids = await serving(hosts);
      return ids.length === 1 ? ids : undefined;
    }, START_MS, 50);
    const leaving = hosts.find((host) => host.id === owner) as Host;
    const staying = hosts.find((host) => host.id !== owner) as Host;
    leaving.emperor.signal('SIGTERM');
    await waitForState(staying.emperor, 'vassals/solo.ini', 'ready', 1, START_MS);
    assert.equal(await etcd.etcd.get(`/uw2/members/${leaving.id}`).string(), null);
    await leaving.emperor.exited;
    assert.equal(await serves(staying.port), true);
  });
});
