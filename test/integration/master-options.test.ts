// Options that shape the workers: chdir, uid/gid, several sockets of the three
// protocols, and a config given entirely on the command line.
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { get } from '../helpers/http-client.js';
import { APPS } from '../helpers/paths.js';
import { readableBuild } from '../helpers/readable-build.js';
import { killAll } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids, startMaster } from '../helpers/uw-master.js';
import { request as uwsgiRequest } from '../helpers/uwsgi-client.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

function readRaw(socketPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect(socketPath);
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('worker options', () => {
  it('runs workers in chdir', async () => {
    const file = dir.write('chdir.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\nchdir = ${APPS}\n`);
    const { cli } = await startMaster([file]);
    const [worker] = liveWorkerPids(cli);
    assert.equal(`${readlinkSync(`/proc/${worker}/cwd`)}/`, APPS);
  });

  it('runs workers as uid/gid when the master is root', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
    // nobody must read uw and the app: a copy, since the checkout may lie under a 0700 directory
    const build = readableBuild(dir);
    const file = dir.write('uid.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${build.apps}hello.mjs\nuid = nobody\ngid = nogroup\nchdir = /\n`);
    const { cli, port } = await startMaster([file], { bin: build.uwBin });
    const [worker] = liveWorkerPids(cli);
    const status = readFileSync(`/proc/${worker}/status`, 'utf8');
    assert.match(status, /^Uid:\s+65534\s/m);
    assert.match(status, /^Gid:\s+65534\s/m);
    assert.equal((await get({ port })).status, 200);
  });

  it('hands several sockets of the three protocols to every worker', async () => {
    const raw = dir.file('raw.sock');
    const uwsgi = dir.file('uwsgi.sock');
    const file = dir.write('two.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nraw-socket = ${raw}\nuwsgi-socket = ${uwsgi}\nmodule = ${APPS}two-protocols.mjs\nprocesses = 2\n`);
    const { cli, port } = await startMaster([file]);
    assert.match((await get({ port })).body, /^http \d+$/);
    const answer = await uwsgiRequest({ path: uwsgi }, 'GET', '/');
    assert.equal(answer.status, 200);
    assert.match(answer.body, /^http \d+$/);
    const line = await readRaw(raw);
    assert.match(line, /^raw (\d+) http-socket:raw-socket:socket\n$/);
    assert.ok(liveWorkerPids(cli).includes(Number(line.split(' ')[1])));
  });

  it('runs from command-line options alone', async () => {
    const { cli, port } = await startMaster(['--http-socket', '127.0.0.1:0', '--module', `${APPS}hello.mjs`, '--processes', '3']);
    assert.equal(liveWorkerPids(cli).length, 3);
    assert.equal((await get({ port })).status, 200);
    assert.equal(cli.find('master started')[0]?.vassal, 'uw');
  });
});
