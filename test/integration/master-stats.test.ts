// The master's stats server read as uWSGI tools read it (connect, read JSON)
// and over HTTP: every uWSGI field with its type, counts equal to the requests
// made, exceptions counted while the worker keeps serving, totals monotonic
// across a reload, /metrics equal to the JSON, exec workers, --connect-and-read.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, afterEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import parsePrometheus from 'parse-prometheus-text-format';
import type { MasterStatsDocument } from '../../src/stats/master-document.js';
import { readStats } from '../../src/stats/read-stats.js';
import { get } from '../helpers/http-client.js';
import { APPS, UW_BIN, PYTHON } from '../helpers/paths.js';
import { killAll, type SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { startMaster } from '../helpers/uw-master.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

/** The stats server's port, from its log line. */
async function statsPort(cli: SpawnedCli): Promise<number> {
  const where = String((await cli.waitForLog('stats server listening')).where);
  return Number(where.slice(where.lastIndexOf(':') + 1));
}

async function readDocument(port: number): Promise<MasterStatsDocument> {
  return JSON.parse(await readStats({ type: 'tcp', host: '127.0.0.1', port })) as MasterStatsDocument;
}

async function startStatsMaster(name: string, processes: number, extra = ''): Promise<{ cli: SpawnedCli; port: number; stats: number }> {
  const ini = dir.write(name, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}stats-app.mjs\nprocesses = ${processes}\nstats = 127.0.0.1:0\n${extra}`);
  const { cli, port } = await startMaster([ini]);
  return { cli, port, stats: await statsPort(cli) };
}

const MASTER_FIELDS = { version: 'string', listen_queue: 'number', listen_queue_errors: 'number', signal_queue: 'number', load: 'number', pid: 'number', uid: 'number', gid: 'number', cwd: 'string', locks: 'array', sockets: 'array', workers: 'array', vassal: 'string', generation: 'number', paused: 'boolean', master_rss: 'number', total_requests: 'number', total_exceptions: 'number', started: 'number' };
const SOCKET_FIELDS = { name: 'string', proto: 'string', queue: 'number', max_queue: 'number', shared: 'number', can_offload: 'number' };
const WORKER_FIELDS = { id: 'number', pid: 'number', accepting: 'number', requests: 'number', delta_requests: 'number', exceptions: 'number', harakiri_count: 'number', signals: 'number', signal_queue: 'number', status: 'string', rss: 'number', vsz: 'number', running_time: 'number', last_spawn: 'number', respawn_count: 'number', tx: 'number', avg_rt: 'number', apps: 'array', cores: 'array', generation: 'number', state: 'string', kind: 'string', counted: 'boolean', in_flight: 'number' };
const CORE_FIELDS = { id: 'number', requests: 'number', in_request: 'number', vars: 'array', req_info: 'object' };

function assertFields(what: string, object: unknown, fields: Record<string, string>): void {
  for (const [key, type] of Object.entries(fields)) {
    const value = (object as Record<string, unknown>)[key];
    const actual = Array.isArray(value) ? 'array' : typeof value;
    assert.equal(actual, type, `${what}.${key} is ${type}, got ${JSON.stringify(value)}`);
  }
}

describe('master stats server', () => {
  it('serves uWSGI\'s fields with their types, raw and over HTTP GET /, with counts equal to the requests made', async () => {
    const { cli, port, stats } = await startStatsMaster('fields.ini', 2);
    for (let i = 0; i < 6; i += 1) assert.equal((await get({ port }, '/big')).status, 200);
    const doc = await readDocument(stats);
    assertFields('document', doc, MASTER_FIELDS);
    for (const socket of doc.sockets) assertFields('socket', socket, SOCKET_FIELDS);
    assert.equal(doc.workers.length, 2);
    for (const worker of doc.workers) {
      assertFields('worker', worker, WORKER_FIELDS);
      for (const core of worker.cores) assertFields('core', core, CORE_FIELDS);
      assert.equal(worker.counted, true);
      assert.ok(worker.rss > 0 && worker.vsz >= worker.rss, 'rss and vsz from /proc');
    }
    assert.equal(doc.pid, cli.pid);
    assert.equal(doc.vassal, 'fields.ini');
    assert.equal(doc.total_requests, 6);
    assert.equal(doc.workers.reduce((sum, w) => sum + w.requests, 0), 6, 'per worker counts add up');
    const served = doc.workers.filter((w) => w.requests > 0);
    for (const worker of served) {
      assert.ok(worker.tx > 10_000 * worker.requests, `tx ${worker.tx} counts the bodies and headers`);
      assert.ok(worker.avg_rt > 0 && worker.running_time > 0);
    }
    const http = await get({ port: stats }, '/');
    assert.equal(http.status, 200);
    assert.match(String(http.headers['content-type']), /application\/json/);
    const viaHttp = JSON.parse(http.body) as MasterStatsDocument;
    assertFields('document over HTTP', viaHttp, MASTER_FIELDS);
    assert.equal(viaHttp.total_requests, 6);
  });

  it('counts a throwing or rejecting handler (or a response ended with an error) as an exception, answers 500 and keeps the worker serving', async () => {
    const { cli, port, stats } = await startStatsMaster('throws.ini', 1);
    const before = await get({ port });
    assert.equal((await get({ port }, '/throw')).status, 500);
    assert.equal((await get({ port }, '/reject')).status, 500);
    await assert.rejects(get({ port }, '/late-throw'), 'headers already sent: the connection is closed');
    await assert.rejects(get({ port }, '/destroy'), 'a response ended with an error');
    const afterwards = await get({ port });
    assert.equal(afterwards.body, before.body, 'the same worker still serves');
    assert.equal(cli.find('worker exited').length, 0);
    const doc = await readDocument(stats);
    assert.equal(doc.total_exceptions, 4);
    assert.equal(doc.workers[0]?.exceptions, 4);
    assert.equal(doc.total_requests, 6);
    // the worker's stderr, captured by the master as log records
    assert.ok(cli.lines.some((line) => line.stream === 'stderr' && /exception in GET \/throw: Error: thrown on purpose/.test(String(line.msg))), 'the exception on the worker\'s stderr');
  });

  it('keeps total_requests monotonic across a graceful reload: the old workers\' final counts are included', async () => {
    const { cli, port, stats } = await startStatsMaster('reload.ini', 2);
    // no stats read before the reload: only the workers' final report can tell the master their counts
    for (let i = 0; i < 5; i += 1) await get({ port });
    cli.signal('SIGHUP');
    await cli.waitForLog('reload finished');
    await cli.waitForLog('worker exited', { generation: 1 }, 2);
    for (let i = 0; i < 3; i += 1) await get({ port });
    const doc = await readDocument(stats);
    assert.equal(doc.generation, 2);
    assert.equal(doc.total_requests, 8);
    const current = doc.workers.filter((w) => w.generation === 2);
    assert.equal(current.length, 2);
    assert.equal(current.reduce((sum, w) => sum + w.requests, 0), 3, 'the new workers count from zero');
  });

  it('keeps the counts a worker reported when it is killed and respawned', async () => {
    const { cli, port, stats } = await startStatsMaster('respawn.ini', 1);
    for (let i = 0; i < 3; i += 1) await get({ port });
    const first = await readDocument(stats);
    assert.equal(first.total_requests, 3);
    process.kill(first.workers[0]?.pid ?? 0, 'SIGKILL');
    await cli.waitForLog('worker ready', {}, 2);
    for (let i = 0; i < 2; i += 1) await get({ port });
    const doc = await readDocument(stats);
    assert.equal(doc.workers[0]?.respawn_count, 1);
    assert.equal(doc.workers[0]?.requests, 2);
    assert.equal(doc.total_requests, 5, 'the killed worker\'s last reported count stays in the total');
  });

  it('serves /metrics that a Prometheus parser reads, with values equal to the JSON', async () => {
    const { port, stats } = await startStatsMaster('metrics.ini', 2);
    for (let i = 0; i < 4; i += 1) await get({ port });
    await get({ port }, '/throw');
    const reply = await get({ port: stats }, '/metrics');
    assert.equal(reply.status, 200);
    const doc = await readDocument(stats);
    const families = new Map(parsePrometheus(reply.body).map((family) => [family.name, family]));
    const value = (name: string, labels: Record<string, string>): number => {
      const sample = families.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
      assert.ok(sample, `${name} ${JSON.stringify(labels)} present`);
      return Number(sample.value);
    };
    const vassal = 'metrics.ini';
    assert.equal(value('uwemperor_master_requests_total', { vassal }), doc.total_requests);
    assert.equal(value('uwemperor_master_requests_total', { vassal }), 5);
    assert.equal(value('uwemperor_master_exceptions_total', { vassal }), 1);
    assert.equal(value('uwemperor_listen_queue', { vassal }), doc.listen_queue);
    assert.ok(value('uwemperor_master_rss_bytes', { vassal }) > 0);
    const socket = doc.sockets[0]?.name ?? '';
    assert.equal(value('uwemperor_socket_queue_max', { vassal, socket }), doc.sockets[0]?.max_queue);
    assert.equal(value('uwemperor_socket_queue', { vassal, socket }), doc.sockets[0]?.queue);
    for (const w of doc.workers) {
      const worker = String(w.id);
      assert.equal(value('uwemperor_worker_requests_total', { vassal, worker }), w.requests);
      assert.equal(value('uwemperor_worker_exceptions_total', { vassal, worker }), w.exceptions);
      assert.equal(value('uwemperor_worker_tx_bytes_total', { vassal, worker }), w.tx);
      assert.equal(value('uwemperor_worker_respawns_total', { vassal, worker }), w.respawn_count);
      assert.equal(value('uwemperor_worker_in_flight', { vassal, worker }), 0);
      assert.equal(value('uwemperor_worker_busy', { vassal, worker }), 0);
      assert.ok(value('uwemperor_worker_rss_bytes', { vassal, worker }) > 0);
      assert.ok(value('uwemperor_worker_avg_response_seconds', { vassal, worker }) >= 0);
    }
    assert.equal(families.get('uwemperor_worker_requests_total')?.type, 'COUNTER');
    assert.equal(families.get('uwemperor_worker_rss_bytes')?.type, 'GAUGE');
  });

  it('shows an exec worker\'s pid, status and RSS, not counted', async () => {
    const ini = dir.write('exec.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nexec = ${PYTHON} ${APPS}server.py\nstats = 127.0.0.1:0\n`);
    const { cli } = await startMaster([ini]);
    const doc = await readDocument(await statsPort(cli));
    const worker = doc.workers[0];
    assert.ok(worker);
    assert.equal(worker.kind, 'exec');
    assert.equal(worker.counted, false);
    assert.equal(worker.requests, 0);
    assert.equal(worker.status, 'idle');
    assert.ok(worker.pid > 0 && worker.rss > 0);
    assert.equal(cli.find('worker ready')[0]?.workerPid, worker.pid);
  });

  it('uw --connect-and-read prints the document', async () => {
    const { stats } = await startStatsMaster('read.ini', 1);
    const { stdout } = await promisify(execFile)(process.execPath, [UW_BIN, '--connect-and-read', `127.0.0.1:${stats}`]);
    const doc = JSON.parse(stdout) as MasterStatsDocument;
    assert.equal(doc.vassal, 'read.ini');
    assert.equal(doc.workers.length, 1);
    await assert.rejects(promisify(execFile)(process.execPath, [UW_BIN, '--connect-and-read', dir.file('nothing.sock')]), (err: { code?: number; stderr?: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr ?? '', /cannot read statistics from .*nothing\.sock/);
      return true;
    });
  });
});
