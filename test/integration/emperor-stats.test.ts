// The emperor's aggregate with real masters: SIGUSR1's table (a hung master is
// `no answer`, never missing, and does not stall the emperor), the `stats`
// server's JSON and /metrics, and scrapes sharing one collection.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { freePort } from '../helpers/free-port.js';
import { get } from '../helpers/http-client.js';
import { FIXTURES } from '../helpers/paths.js';
import { parsePrometheus, sampleOf } from '../helpers/prometheus.js';
import type { SpawnedCli } from '../helpers/spawned-cli.js';
import { readStats } from '../../src/stats/read-stats.js';
import { startEmperor, useVassalDirs, waitForState, type VassalDir } from './emperor-harness.js';

const APP = `${FIXTURES}emperor/app.mjs`;
const newDir = useVassalDirs();

const vassal = (port: number, processes = 2) => `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${APP}\nprocesses = ${processes}\n`;

/** Three real vassals a, b, c, all ready; returns their ports. */
async function threeVassals(dir: VassalDir, args: string[] = []): Promise<{ emperor: SpawnedCli; ports: number[] }> {
  const ports = [await freePort(), await freePort(), await freePort()];
  ['a', 'b', 'c'].forEach((name, i) => dir.write(`${name}.ini`, vassal(ports[i] ?? 0)));
  const emperor = startEmperor([dir.path, ...args], { fake: false });
  for (const name of ['a', 'b', 'c']) await waitForState(emperor, `${name}.ini`, 'ready');
  return { emperor, ports };
}

async function requests(port: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) assert.equal((await get({ port })).status, 200);
}

const masterPid = (emperor: SpawnedCli, vassal: string): number => Number(emperor.find('master spawned', { vassal }).at(-1)?.masterPid);

describe('emperor statistics', () => {
  test('SIGUSR1 with a hung master: two lines with figures, one `no answer`, a totals line; the emperor stays responsive', async () => {
    const dir = newDir();
    const { emperor, ports } = await threeVassals(dir);
    await requests(ports[0] ?? 0, 5);
    await requests(ports[1] ?? 0, 3);
    const hung = masterPid(emperor, 'c.ini');
    process.kill(hung, 'SIGSTOP');
    try {
      emperor.signal('SIGUSR1');
      // while the emperor waits for the hung master, it still does its work
      emperor.signal('SIGWINCH');
      const rescan = await emperor.waitForLog('emperor rescan', { why: 'command' });
      const totals = await emperor.waitForLog('emperor status');
      assert.ok(emperor.lines.indexOf(rescan) < emperor.lines.indexOf(totals), 'the rescan ran while the collection waited');
      const line = (name: string) => emperor.find('vassal status', { vassal: name }).at(-1);
      for (const [name, made] of [['a.ini', 5], ['b.ini', 3]] as const) {
        const status = line(name);
        assert.equal(status?.answered, true, name);
        assert.equal(status?.state, 'ready');
        assert.equal(status?.masterPid, masterPid(emperor, name));
        assert.equal(status?.workers, '2/2');
        assert.equal(status?.requests, made, `${name}: requests equal those made`);
        assert.ok(typeof status?.rssBytes === 'number' && status.rssBytes > 0);
        assert.equal(status?.respawns, 0);
        assert.equal(typeof status?.listenQueue, 'number');
      }
      const silent = line('c.ini');
      assert.equal(silent?.answered, false);
      assert.equal(silent?.stats, 'no answer');
      assert.equal(silent?.masterPid, hung);
      assert.equal(silent?.requests, undefined);
      assert.equal(totals.vassals, 3);
      assert.equal(totals.requests, 8);
      assert.deepEqual(totals.noAnswer, ['c.ini']);
      assert.equal(totals.workers, '4/4');
    } finally {
      process.kill(hung, 'SIGCONT');
    }
  });

  test('stats server: uWSGI\'s emperor fields and ours, each master\'s document inside; /metrics with a broken vassal down', async () => {
    const dir = newDir();
    const port = await freePort();
    const statsPort = await freePort();
    dir.write('good.ini', vassal(port, 1));
    dir.write('bad.ini', vassal(await freePort(), 1).replace('processes = 1', 'processes = four'));
    const emperor = startEmperor([dir.path, '--stats', `127.0.0.1:${statsPort}`], { fake: false });
    await waitForState(emperor, 'good.ini', 'ready');
    await waitForState(emperor, 'bad.ini', 'broken');
    await requests(port, 4);

    const doc = JSON.parse((await get({ port: statsPort })).body) as Record<string, unknown>;
    for (const [key, type] of Object.entries({ version: 'string', pid: 'number', uid: 'number', gid: 'number', cwd: 'string', emperor_tyrant: 'number', throttle_level: 'number', collected_ms: 'number' })) {
      assert.equal(typeof doc[key], type, key);
    }
    assert.equal(doc.pid, emperor.pid);
    assert.deepEqual(doc.emperor, [dir.path]);
    const vassals = doc.vassals as Record<string, unknown>[];
    assert.deepEqual(vassals.map((v) => v.id), ['bad.ini', 'good.ini']);
    const uwsgiFields = ['id', 'pid', 'born', 'last_mod', 'last_heartbeat', 'loyal', 'ready', 'accepting', 'last_loyal', 'last_ready', 'last_accepting', 'first_run', 'last_run', 'cursed', 'zerg', 'on_demand', 'suspended', 'adopted', 'uid', 'gid', 'monitor', 'respawns'];
    for (const v of vassals) {
      for (const key of uwsgiFields) assert.ok(key in v, `${String(v.id)}: ${key}`);
      for (const key of ['pid', 'born', 'last_mod', 'loyal', 'ready', 'accepting', 'respawns', 'failures']) assert.equal(typeof v[key], 'number', key);
      assert.equal(v.monitor, dir.path);
      assert.equal(typeof v.state, 'string');
      assert.equal(typeof v.answered, 'boolean');
    }
    const [bad, good] = vassals;
    assert.equal(good?.state, 'ready');
    assert.equal(good?.answered, true);
    assert.equal(good?.pid, masterPid(emperor, 'good.ini'));
    assert.equal(good?.loyal, 1);
    assert.ok(typeof good?.uptime_ms === 'number' && good.uptime_ms >= 0);
    const stats = good?.stats as { pid: number; total_requests: number; workers: { pid: number }[] };
    assert.equal(stats.pid, good?.pid);
    assert.equal(stats.total_requests, 4);
    assert.equal(stats.workers.length, 1);
    assert.equal(bad?.state, 'broken');
    assert.equal(bad?.answered, false);
    assert.equal(bad?.stats, null);
    assert.equal(bad?.pid, 0);
    assert.match(String(bad?.error), /processes.*four/);
    assert.deepEqual((doc.blacklist as { id: string }[]).map((entry) => entry.id), ['bad.ini']);

    const raw = JSON.parse(await readStats({ type: 'tcp', host: '127.0.0.1', port: statsPort })) as { vassals: unknown[] };
    assert.equal(raw.vassals.length, 2, 'a silent client gets the JSON too');

    const metrics = await get({ port: statsPort }, '/metrics');
    assert.equal(metrics.status, 200);
    const families = parsePrometheus(metrics.body);
    assert.equal(sampleOf(families, 'uwemperor_vassals', {}), 2);
    assert.equal(sampleOf(families, 'uwemperor_vassal_up', { vassal: 'good.ini' }), 1);
    assert.equal(sampleOf(families, 'uwemperor_vassal_up', { vassal: 'bad.ini' }), 0);
    assert.equal(sampleOf(families, 'uwemperor_vassal_state', { vassal: 'bad.ini', state: 'broken' }), 1);
    assert.equal(sampleOf(families, 'uwemperor_vassal_state', { vassal: 'bad.ini', state: 'ready' }), 0);
    assert.equal(sampleOf(families, 'uwemperor_vassal_respawns_total', { vassal: 'good.ini' }), 0);
    // each master's own families, labelled with the emperor's vassal id, per worker too
    assert.equal(sampleOf(families, 'uwemperor_master_requests_total', { vassal: 'good.ini' }), 4);
    assert.equal(sampleOf(families, 'uwemperor_worker_requests_total', { vassal: 'good.ini', worker: '1' }), 4);
    assert.ok((sampleOf(families, 'uwemperor_worker_rss_bytes', { vassal: 'good.ini', worker: '1' }) ?? 0) > 0);
    assert.equal(sampleOf(families, 'uwemperor_listen_queue', { vassal: 'good.ini' }), 0);
    assert.equal(sampleOf(families, 'uwemperor_master_requests_total', { vassal: 'bad.ini' }), undefined, 'no master, no master families');
  });

  test('many concurrent scrapes share collections: each master is asked at most about once a second', async () => {
    const dir = newDir();
    dir.write('one.ini', 'mode = ready\n');
    dir.write('two.ini', 'mode = ready\n');
    const statsPort = await freePort();
    const emperor = startEmperor([dir.path, '--stats', `127.0.0.1:${statsPort}`]);
    await waitForState(emperor, 'one.ini', 'ready');
    await waitForState(emperor, 'two.ini', 'ready');
    const started = Date.now();
    let scrapes = 0;
    const scraper = async (): Promise<void> => {
      while (Date.now() - started < 2_500) {
        const reply = await get({ port: statsPort }, scrapes % 2 === 0 ? '/' : '/metrics');
        assert.equal(reply.status, 200);
        scrapes++;
      }
    };
    await Promise.all(Array.from({ length: 8 }, scraper));
    const seconds = (Date.now() - started) / 1000;
    assert.ok(scrapes >= 40, `enough scrapes to matter: ${scrapes}`);
    for (const name of ['one.ini', 'two.ini']) {
      const asked = emperor.find('stats requested', { vassal: name }).length;
      assert.ok(asked >= 1 && asked <= Math.ceil(seconds) + 1, `${name}: ${asked} stats requests for ${scrapes} scrapes in ${seconds} s`);
    }
  });
});
