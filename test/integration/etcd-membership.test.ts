// The cluster side against a real etcd, in process: members see each other,
// a member whose client dies without a word (as a SIGKILLed emperor's) leaves
// after its lease TTL and its vassals are placed elsewhere, status keys are
// written under the lease and go with it, and a graceful leave is seen at once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Etcd3 } from 'etcd3';
import { pino } from 'pino';
import { systemClock } from '../../src/emperor/clock.js';
import { Cluster } from '../../src/emperor/etcd/cluster.js';
import { parseStatusRecord } from '../../src/emperor/etcd/status-record.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/wait-for.js';
import { EtcdCluster, etcdMissing } from '../helpers/etcd.js';
import { TempDir } from '../helpers/temp-dir.js';
import { emperor, master, vassal, worker } from '../unit/cli-documents.js';

const TTL_SECONDS = 2;
const PREFIX = '/uwtest';
const silent = pino({ level: 'silent' });

describe('etcd cluster membership, placement and status', { skip: etcdMissing }, () => {
  const dir = new TempDir();
  let etcd: EtcdCluster;
  const clients: Etcd3[] = [];
  const clusters: Cluster[] = [];
  const proxies: TcpProxy[] = [];
  const client = (endpoint = `http://${etcd.endpoints[0] ?? ''}`) => {
    const made = new Etcd3({ hosts: endpoint });
    clients.push(made);
    return made;
  };
  const member = (hostId: string, prefix: string, raw = client()) => {
    const cluster = new Cluster({ prefix, hostId, ttlSeconds: TTL_SECONDS, labels: [], clock: systemClock, logger: silent });
    clusters.push(cluster);
    cluster.join(raw);
    return cluster;
  };
  /** The hosts running each of 50 vassals, as `cluster` places them (instances = 1). */
  const placed = (cluster: Cluster, names: readonly string[]) => names.map((name) => cluster.placement.isMine(name, { instances: 1 }));

  before(async () => {
    etcd = await EtcdCluster.start(dir);
  });
  after(async () => {
    await Promise.all(clusters.map((cluster) => cluster.close().catch(() => undefined)));
    for (const made of clients) made.close();
    for (const proxy of proxies) proxy.cut();
    await etcd?.stop();
    dir.remove();
  });

  test('two members split the vassals; a partitioned one keeps its own while the other takes all after the TTL; healed, they split again', async (t) => {
    const names = Array.from({ length: 50 }, (_, i) => `app-${i}.ini`);
    const a = member('host-a', PREFIX);
    const proxy = await TcpProxy.to(Number(etcd.endpoints[0]?.split(':')[1]));
    proxies.push(proxy);
    const b = member('host-b', PREFIX, client(`http://127.0.0.1:${proxy.port}`));
    const split = () => {
      const mineA = placed(a, names);
      const mineB = placed(b, names);
      return names.every((_, i) => mineA[i] !== mineB[i]) && mineA.some(Boolean) && mineB.some(Boolean) ? mineB : undefined;
    };
    const ownB = await waitFor('both members to see each other', split, 10_000);
    const ofB = names.find((_, i) => ownB[i]) as string;

    const doc = emperor([vassal(`vassals/${ofB}`, 77, master(ofB, 77, [worker(1, 78, { requests: 3 })]))]);
    b.startStatus({ document: () => Promise.resolve(doc), nameOf: (entry: { id: string }) => entry.id });
    const reader = client();
    const statusOfB = async () => {
      const value = await reader.get(`${PREFIX}/status/host-b/vassals/${ofB}`).string();
      return value === null ? undefined : parseStatusRecord(value);
    };
    const record = await waitFor('host-b to write its status key', statusOfB);
    assert.equal(record?.pid, 77);
    assert.equal(record?.serving, true);

    // host-b loses etcd (a partition): it keeps its own vassals, host-a starts them after the TTL
    const cutAt = Date.now();
    proxy.cut();
    await waitFor('host-a to run every vassal', () => (placed(a, names).every(Boolean) ? true : undefined), TTL_SECONDS * 1000 + 5_000);
    const movedMs = Date.now() - cutAt;
    assert.deepEqual(placed(b, names), ownB, 'the cut-off host keeps what it ran');
    assert.equal(await reader.get(`${PREFIX}/members/host-b`).string(), null, 'its member key went with the lease');
    assert.equal(await statusOfB(), undefined, 'its status keys too');
    t.diagnostic(`member lost -> its vassals placed elsewhere after ${movedMs} ms (etcd-ttl ${TTL_SECONDS} s)`);

    // healed: host-b registers again, host-a hands its vassals back once host-b serves them (or after a TTL)
    await proxy.restore();
    const healedAt = Date.now();
    await waitFor('host-b back and the vassals split as before', () => (split() === undefined ? undefined : true), 30_000);
    t.diagnostic(`partition healed -> split again after ${Date.now() - healedAt} ms`);
    assert.deepEqual(placed(b, names), ownB);
    assert.equal((await waitFor('host-b status written again', statusOfB))?.pid, 77);
  });

  test('a member that leaves gracefully (lease revoked) is gone at once, and one that joins is seen', async () => {
    const c = member('host-c', `${PREFIX}2`);
    const d = member('host-d', `${PREFIX}2`);
    const reader = client();
    await waitFor('host-d registered', async () => ((await reader.get(`${PREFIX}2/members/host-d`).string()) === null ? undefined : true));
    const names = Array.from({ length: 50 }, (_, i) => `svc-${i}.ini`);
    await waitFor('host-c to see host-d', () => (placed(c, names).every(Boolean) ? undefined : true), 10_000);
    await d.close();
    assert.equal(await reader.get(`${PREFIX}2/members/host-d`).string(), null, 'revoked at once');
    await waitFor('host-c to take every vassal', () => (placed(c, names).every(Boolean) ? true : undefined), 5_000);
  });
});
