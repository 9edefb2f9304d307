// Wire compatibility with real uWSGI (Debian's uwsgi + uwsgi-plugin-python3,
// installed by .ci/run): a uWSGI zerg serves on our master's socket, and our zerg
// serves on a uWSGI zerg server's socket (and keeps serving once it is killed).
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { lstatSync } from 'node:fs';
import { freePort } from '../helpers/free-port.js';
import { tryGet } from '../helpers/http-client.js';
import { APPS, UW_BIN } from '../helpers/paths.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids } from '../helpers/uw-master.js';
import { descendantsOf, isAlive, waitFor } from '../helpers/wait-for.js';

const probe = spawnSync('uwsgi', ['--plugin', 'python3', '--version'], { encoding: 'utf8' });
const missing = probe.error !== undefined || /UNABLE to load/.test(`${probe.stdout}${probe.stderr}`)
  ? 'uwsgi with its python3 plugin is not installed (apt-get install uwsgi uwsgi-plugin-python3; .ci/run does)'
  : false;

const dir = new TempDir();
const peers = new Set<ChildProcess>();
afterEach(async () => {
  await Promise.all([...peers].map(killPeer));
  await killAll();
});
after(() => dir.remove());

/** A real uWSGI process; `args` after the plugin, which must come first. */
function uwsgi(args: readonly string[]): ChildProcess {
  const child = spawn('uwsgi', ['--plugin', 'python3', ...args, '--wsgi-file', `${APPS}zerg-app.py`, '--disable-logging'], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.resume();
  peers.add(child);
  return child;
}

/** SIGKILL a uWSGI process and whatever it started, and wait until they are gone. */
async function killPeer(child: ChildProcess): Promise<void> {
  const pids = child.pid === undefined ? [] : [child.pid, ...descendantsOf(child.pid)];
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  peers.delete(child);
  await waitFor('uWSGI to exit', () => (pids.every((pid) => !isAlive(pid)) ? true : undefined), 10_000);
}

/** Ask until answers have come from every kind in `kinds` ("hello" from uw's module, "uwsgi" from uWSGI's app). */
async function answersFrom(port: number, kinds: readonly string[]): Promise<Map<string, Set<number>>> {
  const seen = new Map<string, Set<number>>();
  return waitFor(`answers from ${kinds.join(' and ')}`, async () => {
    const reply = await tryGet({ port });
    const [kind, pid] = reply?.status === 200 ? reply.body.split(' ') : [];
    if (kind !== undefined && pid !== undefined) seen.set(kind, (seen.get(kind) ?? new Set()).add(Number(pid)));
    return kinds.every((want) => seen.has(want)) ? seen : undefined;
  }, 30_000, 1);
}

describe('zerg mode with real uWSGI', { skip: missing }, () => {
  it('a uWSGI zerg (--zerg PATH --protocol http) serves on our master\'s socket', async () => {
    const port = await freePort();
    const zergPath = dir.file('ours.sock');
    const server = new SpawnedCli(UW_BIN, [dir.write('ours.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${APPS}hello.mjs\nzerg-server = ${zergPath}\n`)]);
    await server.waitForLog('master ready');
    const zerg = uwsgi(['--zerg', zergPath, '--protocol', 'http']);
    const seen = await answersFrom(port, ['hello', 'uwsgi']);
    assert.deepEqual([...(seen.get('hello') ?? [])], liveWorkerPids(server));
    assert.deepEqual([...(seen.get('uwsgi') ?? [])], [zerg.pid], 'the uWSGI zerg answered on the port it never bound');
    await server.waitForLog('zerg attached', { sockets: 1 });
  });

  it('our zerg serves on a uWSGI zerg server\'s socket, and keeps serving once uWSGI is killed', async () => {
    const port = await freePort();
    const zergPath = dir.file('theirs.sock');
    const server = uwsgi(['--master', '--http-socket', `127.0.0.1:${port}`, '--zerg-server', zergPath]);
    await waitFor('the uWSGI zerg server socket', () => (lstatSync(zergPath, { throwIfNoEntry: false })?.isSocket() ? true : undefined), 30_000);
    await answersFrom(port, ['uwsgi']);
    const zerg = new SpawnedCli(UW_BIN, [dir.write('our-zerg.ini', `[uwsgi]\nzerg = ${zergPath}\nmodule = ${APPS}hello.mjs\n`)]);
    await zerg.waitForLog('master ready');
    assert.equal(zerg.find('socket attached', { where: `127.0.0.1:${port}`, protocol: 'http' }).length, 1);
    const seen = await answersFrom(port, ['hello', 'uwsgi']);
    assert.deepEqual([...(seen.get('hello') ?? [])], liveWorkerPids(zerg));

    await killPeer(server);
    for (let i = 0; i < 10; i += 1) {
      const reply = await tryGet({ port });
      assert.equal(reply?.status, 200, `request ${i} after uWSGI died`);
      assert.match(reply.body, /^hello /);
    }
  });
});
