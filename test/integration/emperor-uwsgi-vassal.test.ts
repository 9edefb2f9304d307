// Real uWSGI masters as vassals of a real uwemperor (Debian's uwsgi +
// uwsgi-plugin-python3, installed by .ci/run): run beside a uw vassal, touch
// reloads over the emperor fd (new workers, the same master, no failed request
// under light load), rm stops it and leaves no uwsgi process, exit code 26 is
// not restarted until the file changes, a missing binary is broken, and a
// master that never accepts is killed and backs off with its output shown.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, utimesSync } from 'node:fs';
import { describe, test } from 'node:test';
import { freePort } from '../helpers/free-port.js';
import { tryGet } from '../helpers/http-client.js';
import { startLoad } from '../helpers/load.js';
import { APPS } from '../helpers/paths.js';
import { controlTarget, readEmperorStats } from '../../src/cli/read-emperor-stats.js';
import { testControlPath } from '../helpers/control-socket.js';
import { describeLive, descendantsOf, isAlive, waitFor } from '../helpers/wait-for.js';
import { startEmperor, useVassalDirs, waitForState } from './emperor-harness.js';

const UWSGI = '/usr/bin/uwsgi';
const probe = spawnSync(UWSGI, ['--plugin', 'python3', '--version'], { encoding: 'utf8' });
const missing = probe.error !== undefined || /UNABLE to load/.test(`${probe.stdout}${probe.stderr}`)
  ? 'uwsgi with its python3 plugin is not installed (apt-get install uwsgi uwsgi-plugin-python3; .ci/run does)'
  : false;

const newDir = useVassalDirs();

/** A uWSGI vassal file: run by uWSGI's binary through the file's own [emperor] section. */
const pythonVassal = (port: number, extra = '', emperor = `binary = ${UWSGI}\n`) =>
  `[uwsgi]\nplugin = python3\nmaster = true\nprocesses = 2\nhttp-socket = 127.0.0.1:${port}\nwsgi-file = ${APPS}zerg-app.py\ndisable-logging = true\n${extra}\n[emperor]\n${emperor}`;

/** The PID in the body once the port answers `kind PID`. */
const answer = (port: number, kind: string) =>
  waitFor(`127.0.0.1:${port} to answer ${kind}`, async () => {
    const reply = await tryGet({ port });
    const [word, pid] = reply?.status === 200 ? reply.body.trim().split(' ') : [];
    return word === kind ? Number(pid) : undefined;
  }, 20_000);

const touch = (file: string, secondsAhead: number) => {
  const when = new Date(Date.now() + secondsAhead * 1000);
  utimesSync(file, when, when);
};

describe('uWSGI vassals under uwemperor', { skip: missing }, () => {
  test('beside a uw vassal: serves, touch reloads (new workers, no failed request), rm stops with no uwsgi left', async () => {
    const dir = newDir();
    const [pyPort, statsPort, nodePort] = [await freePort(), await freePort(), await freePort()];
    const py = dir.write('py.ini', pythonVassal(pyPort, `stats = 127.0.0.1:${statsPort}\nheartbeat = 5\n`));
    dir.write('node.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:${nodePort}\nmodule = ${APPS}hello.mjs\nprocesses = 1\n`);
    const control = testControlPath();
    const emperor = startEmperor([dir.path, '--reload-mercy', '20', '--control', control], { fake: false });
    const ready = await waitForState(emperor, 'py.ini', 'ready', 1, 30_000);
    await waitForState(emperor, 'node.ini', 'ready', 1, 30_000);
    const master = Number(ready.masterPid);
    assert.equal(emperor.find('master spawned', { vassal: 'py.ini', binary: UWSGI }).length, 1);
    await answer(pyPort, 'uwsgi');
    await answer(nodePort, 'hello');
    const before = descendantsOf(master);
    assert.equal(before.length, 2, `two uWSGI workers under ${master}: ${describeLive(before)}`);

    // its statistics come from its own stats server, through the emperor's control socket
    const doc = await waitFor('the uWSGI vassal\'s statistics', async () => {
      const read = await readEmperorStats(controlTarget(control), 5_000).catch(() => undefined);
      const vassal = read?.vassals.find((entry) => entry.id === 'py.ini');
      return vassal?.stats?.workers.length === 2 ? vassal : undefined;
    }, 20_000);
    assert.equal(doc.stats?.pid, master);
    assert.ok(doc.last_heartbeat > 0, 'heartbeats (byte 26) are seen');

    const load = startLoad(pyPort, { keepAlive: 0, fresh: 2 }, 120_000);
    await waitFor('requests flowing', () => (load.result.ok >= 10 ? true : undefined), 20_000);
    touch(py, 5);
    await emperor.waitForLog('vassal state', { vassal: 'py.ini', to: 'ready', reason: 'master reloaded' }, 1, 60_000);
    const okAtReload = load.result.ok;
    await waitFor('requests served after the reload', () => (load.result.ok >= okAtReload + 10 ? true : undefined), 20_000);
    const result = await load.stop();
    assert.deepEqual(result.errors, [], `no failed request across the reload (${result.ok} served)`);
    const after = await waitFor('two new workers', () => {
      const now = descendantsOf(master);
      return now.length === 2 && now.every((pid) => !before.includes(pid)) ? now : undefined;
    }, 20_000);
    assert.ok(isAlive(master), 'the same master re-executed itself');
    assert.ok([...result.pids].map(Number).some((pid) => after.includes(pid)), 'the new workers served');

    rmSync(py);
    await waitForState(emperor, 'py.ini', 'stopped', 1, 30_000);
    await waitFor('no uwsgi process left', () => ([master, ...after].every((pid) => !isAlive(pid)) ? true : undefined), 10_000);
    assert.equal(emperor.descendants().filter((pid) => /uwsgi/.test(commandOf(pid))).length, 0);
    await answer(nodePort, 'hello');
  });

  test('exit code 26 is not restarted until the file changes', async () => {
    const dir = newDir();
    const port = await freePort();
    const file = dir.write('exile.ini', pythonVassal(port, 'hook-asap = exit:26\n'));
    const emperor = startEmperor([dir.path], { fake: false });
    const broken = await waitForState(emperor, 'exile.ini', 'broken', 1, 30_000);
    assert.match(String(broken.error), /code 26: not started again until its file changes/);
    // SIGURG clears back-offs: a vassal backing off would start now; an exiled one does not
    emperor.signal('SIGURG');
    await emperor.waitForLog('vassal event ignored', { vassal: 'exile.ini', event: 'clear-backoff' });
    dir.write('exile.ini', pythonVassal(port));
    touch(file, 5);
    await waitForState(emperor, 'exile.ini', 'ready', 1, 30_000);
    await answer(port, 'uwsgi');
    assert.equal(emperor.find('master spawned', { vassal: 'exile.ini' }).length, 2, 'one start for the exile, one for the changed file');
  });

  test('a binary that does not exist is broken, in one line naming it', async () => {
    const dir = newDir();
    dir.write('nobin.ini', pythonVassal(await freePort(), '', 'binary = /nonexistent/uwsgi\n'));
    const emperor = startEmperor([dir.path], { fake: false });
    const broken = await waitForState(emperor, 'nobin.ini', 'broken', 1, 30_000);
    assert.match(String(broken.error), /binary in \[emperor\]: "\/nonexistent\/uwsgi" is not an executable file/);
    assert.doesNotMatch(String(broken.error), /\n/);
    assert.equal(emperor.find('master spawned', { vassal: 'nobin.ini' }).length, 0);
  });

  test('a master that never accepts is killed after its ready-timeout and backs off, its output in the log', async () => {
    const dir = newDir();
    const port = await freePort();
    dir.write('slow.ini', pythonVassal(port, '', `binary = ${UWSGI}\nready-timeout = 2\n`).replace('zerg-app.py', 'never-accepting.py'));
    const emperor = startEmperor([dir.path], { fake: false });
    const backoff = await waitForState(emperor, 'slow.ini', 'backoff', 1, 30_000);
    assert.match(String(backoff.reason), /not accepting within 2 s; will retry in 1 s/);
    const killed = Number(emperor.find('master spawned', { vassal: 'slow.ini' })[0]?.masterPid);
    assert.ok(!isAlive(killed), 'the master was killed');
    assert.match(emperor.stderr, /never-accepting: loading forever/);
    await waitForState(emperor, 'slow.ini', 'backoff', 2, 30_000);
  });
});

function commandOf(pid: number): string {
  const read = spawnSync('cat', [`/proc/${pid}/cmdline`], { encoding: 'utf8' });
  return read.stdout.replaceAll('\0', ' ');
}
