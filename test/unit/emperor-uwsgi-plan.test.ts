// What the emperor runs for a vassal and how: the binary chosen (the file's own
// [emperor] binary, vassal-binary globs, emperor-wrapper, `uw` to opt out), the
// command line and environment uWSGI's Emperor would give it, and a uWSGI
// stats document taken over field by field, hostile values dropped.
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { buildEmperorSettings } from '../../src/emperor/emperor-settings.js';
import { DEFAULT_READY_TIMEOUT_MS, locateProgram, planMaster, type PlanSettings } from '../../src/emperor/master-plan.js';
import { configFlag, uwsgiArgs, uwsgiEnv } from '../../src/emperor/uwsgi-command.js';
import { fromUwsgiStats } from '../../src/emperor/uwsgi-stats-document.js';
import { UwError } from '../../src/errors.js';
import { TempDir } from '../helpers/temp-dir.js';

const dir = new TempDir();
after(() => dir.remove());
const program = dir.write('fake-uwsgi', '#!/bin/sh\nexit 0\n');
chmodSync(program, 0o755);
const none: PlanSettings = { emperorWrapper: undefined, vassalBinary: [] };

describe('which program runs a vassal', () => {
  test('uw unless something says otherwise', async () => {
    assert.deepEqual(await planMaster(dir.write('plain.ini', '[uwsgi]\nmodule = app.mjs\n'), none), { kind: 'uw' });
  });

  test('the file\'s own binary, with its heartbeat, stats server and ready-timeout', async () => {
    const file = dir.write('py.ini', `[uwsgi]\nheartbeat = 3\nstats = :9191\n[emperor]\nbinary = ${program}\nready-timeout = 7\n`);
    const plan = await planMaster(file, none);
    assert.equal(plan.kind, 'uwsgi');
    assert.equal(plan.kind === 'uwsgi' && plan.binary, program);
    assert.equal(plan.kind === 'uwsgi' && plan.heartbeatMs, 3_000);
    assert.deepEqual(plan.kind === 'uwsgi' && plan.stats, { type: 'tcp', host: '127.0.0.1', port: 9191 });
    assert.equal(plan.kind === 'uwsgi' && plan.readyTimeoutMs, 7_000);
  });

  test('a stats server off this host is never read; a heartbeat the emperor cannot read is unknown', async () => {
    const file = dir.write('far.yaml', `uwsgi:\n  stats: 10.1.2.3:9191\n  heartbeat: "%(beat)"\nemperor:\n  binary: ${program}\n`);
    const plan = await planMaster(file, none);
    assert.deepEqual(plan.kind === 'uwsgi' && [plan.stats, plan.heartbeatMs, plan.readyTimeoutMs], [null, null, DEFAULT_READY_TIMEOUT_MS]);
  });

  test('vassal-binary globs (first match), then emperor-wrapper; `binary = uw` opts out', async () => {
    const settings: PlanSettings = { emperorWrapper: '/bin/true', vassalBinary: [{ glob: `${dir.path}/py-*.ini`, binary: program }] };
    const matched = await planMaster(dir.write('py-one.ini', '[uwsgi]\n'), settings);
    assert.equal(matched.kind === 'uwsgi' && matched.binary, program);
    const wrapped = await planMaster(dir.write('node.ini', '[uwsgi]\n'), settings);
    assert.equal(wrapped.kind === 'uwsgi' && wrapped.binary, '/bin/true');
    assert.deepEqual(await planMaster(dir.write('own.ini', '[uwsgi]\n[emperor]\nbinary = uw\n'), settings), { kind: 'uw' });
  });

  test('a program that is not an executable file is UW_VASSAL_BINARY, naming where it was set', async () => {
    const missing = dir.write('missing.ini', '[uwsgi]\n[emperor]\nbinary = /nonexistent/uwsgi\n');
    await assert.rejects(planMaster(missing, none), (err: unknown) => err instanceof UwError && err.code === 'UW_VASSAL_BINARY' && /binary in \[emperor\]: "\/nonexistent\/uwsgi" is not an executable file/.test(err.message));
    const notExecutable = dir.write('data.ini', '[uwsgi]\n');
    await assert.rejects(planMaster(dir.write('glob.ini', '[uwsgi]\n'), { emperorWrapper: notExecutable, vassalBinary: [] }), /emperor-wrapper for .*glob\.ini: ".*data\.ini" is not an executable file/);
    await assert.rejects(planMaster(dir.write('dir.ini', '[uwsgi]\n[emperor]\nbinary = /tmp\n'), none), /is not an executable file/);
  });

  test('a bare name is looked up in PATH, a relative path against the vassal file\'s directory', () => {
    assert.equal(locateProgram('fake-uwsgi', '/', `/nonexistent:${dir.path}`), program);
    assert.equal(locateProgram('./fake-uwsgi', dir.path, ''), program);
    assert.equal(locateProgram('fake-uwsgi', dir.path, 'relative/dir'), null, 'a relative PATH entry is skipped');
  });

  test('emperor options: vassal-binary is GLOB:PROGRAM, emperor-graceful-shutdown defaults to true', () => {
    const settings = buildEmperorSettings([
      { name: 'emperor', value: '/v', file: undefined, base: '/' },
      { name: 'vassal-binary', value: 'py/*.ini:/usr/bin/uwsgi', file: undefined, base: '/srv' },
      { name: 'emperor-wrapper', value: 'uwsgi', file: undefined, base: '/srv' },
    ]);
    assert.deepEqual(settings.vassalBinary, [{ glob: '/srv/py/*.ini', binary: '/usr/bin/uwsgi' }]);
    assert.equal(settings.emperorWrapper, 'uwsgi');
    assert.equal(settings.gracefulShutdown, true);
    assert.throws(() => buildEmperorSettings([{ name: 'emperor', value: '/v', file: undefined, base: '/' }, { name: 'vassal-binary', value: '/usr/bin/uwsgi', file: undefined, base: '/' }]), /expected --vassal-binary to be GLOB:PROGRAM/);
  });
});

describe('how uWSGI is started', () => {
  test('uWSGI\'s argv: --set pairs, the flag for the extension, the file, then --inherit templates', () => {
    const settings = { vassalSet: ['processes=4'], vassalsInherit: ['/etc/base.ini'], vassalLogtoDir: '/var/log/v' };
    assert.deepEqual(uwsgiArgs(settings, 'sub/app.ini', '/v/sub/app.ini'), ['--set', 'logto=/var/log/v/sub_app.ini.log', '--set', 'processes=4', '--ini', '/v/sub/app.ini', '--inherit', '/etc/base.ini']);
    assert.deepEqual(['a.yml', 'a.yaml', 'a.json', 'a.ini:zerg', 'a.YAML:zerg'].map(configFlag), ['--yaml', '--yaml', '--json', '--ini', '--yaml']);
  });

  test('its environment: fd 3, UWSGI_VASSAL_X as UWSGI_X, the emperor\'s own reload count and notify socket dropped', () => {
    const env = uwsgiEnv({ PATH: '/bin', UWSGI_VASSAL_PROCESSES: '3', UWSGI_RELOADS: '2', NOTIFY_SOCKET: '/run/systemd/notify', UWSGI_EMPEROR_FD: '9' });
    assert.deepEqual(env, { PATH: '/bin', UWSGI_PROCESSES: '3', UWSGI_EMPEROR_FD: '3' });
  });
});

describe('a uWSGI stats document', () => {
  test('taken over as ours, with what it lacks filled in', () => {
    const doc = fromUwsgiStats({
      version: '2.0.21', listen_queue: 1, pid: 10, uid: 33, gid: 33, cwd: '/srv',
      sockets: [{ name: '127.0.0.1:8080', proto: 'http', queue: 1, max_queue: 100 }],
      workers: [
        { id: 1, pid: 11, accepting: 1, requests: 5, exceptions: 1, status: 'busy', rss: 1024, avg_rt: 300, cores: [{ in_request: 1 }] },
        { id: 2, pid: 0, accepting: 0, requests: 2, status: 'cheap' },
      ],
    }, 'py.ini');
    assert.ok(doc !== null);
    assert.equal(doc.vassal, 'py.ini');
    assert.equal(doc.total_requests, 7);
    assert.equal(doc.total_exceptions, 1);
    assert.deepEqual(doc.workers.map((worker) => [worker.state, worker.kind, worker.in_flight, worker.status]), [['ready', 'uwsgi', 1, 'busy'], ['stopped', 'uwsgi', 0, 'cheap']]);
    assert.equal(doc.sockets[0]?.max_queue, 100);
  });

  test('hostile values are dropped, not passed on', () => {
    const doc = fromUwsgiStats({ version: 'x'.repeat(10_000), pid: -5, load: Number.NaN, cwd: { nested: true }, workers: [{ id: 1, pid: Number.POSITIVE_INFINITY, requests: '9', status: 'root' }, 7, null] }, 'v');
    assert.ok(doc !== null);
    assert.equal(doc.version.length, 256);
    assert.deepEqual([doc.pid, doc.load, doc.cwd], [0, 0, '']);
    assert.deepEqual(doc.workers.map((worker) => [worker.pid, worker.requests, worker.status]), [[0, 0, 'idle']]);
    assert.equal(fromUwsgiStats([1, 2], 'v'), null);
    assert.equal(fromUwsgiStats({ workers: 'many' }, 'v'), null);
    assert.equal(fromUwsgiStats({ workers: new Array(5_000).fill({ id: 1 }) }, 'v')?.workers.length, 1_024);
  });
});
