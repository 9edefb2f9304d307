// End to end with the real master (uw): a vassal file becomes an HTTP app,
// touch/edit reload it, rm takes the port away, a bad config is broken until
// fixed, templates apply, and SIGKILL of the emperor leaves nothing running.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { freePort } from '../helpers/free-port.js';
import { tryGet } from '../helpers/http-client.js';
import { FIXTURES } from '../helpers/paths.js';
import { isAlive, waitFor } from '../helpers/wait-for.js';
import { startEmperor, useVassalDirs, waitForState } from './emperor-harness.js';

const APP = `${FIXTURES}emperor/app.mjs`;
const newDir = useVassalDirs();

const vassal = (port: number, extra = '') => `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${APP}\nprocesses = 1\n${extra}`;

/** The body once the port answers 200 with a body matching `pattern`. */
const answer = (port: number, pattern: RegExp) =>
  waitFor(`127.0.0.1:${port} to answer ${String(pattern)}`, async () => {
    const reply = await tryGet({ port });
    return reply?.status === 200 && pattern.test(reply.body) ? reply.body : undefined;
  }, 15_000);

const refused = (port: number) => waitFor(`127.0.0.1:${port} to refuse`, async () => ((await tryGet({ port })) === undefined ? true : undefined), 10_000);

describe('emperor with the real master', () => {
  test('create serves, touch and edit reload, rm takes the port away', async () => {
    const dir = newDir();
    const port = await freePort();
    const file = dir.write('app.ini', vassal(port, 'env = VERSION=1\n'));
    const emperor = startEmperor([dir.path], { fake: false });
    await waitForState(emperor, 'app.ini', 'ready');
    const first = await answer(port, /^hi 1 \d+$/);

    const now = new Date();
    utimesSync(file, now, now);
    await emperor.waitForLog('vassal state', { vassal: 'app.ini', to: 'ready', reason: 'master reloaded' });
    const second = await answer(port, /^hi 1 \d+$/);
    assert.notEqual(second, first, 'a new worker generation answers after the reload');

    writeFileSync(file, vassal(port, 'env = VERSION=2\n'));
    await emperor.waitForLog('vassal state', { vassal: 'app.ini', to: 'ready', reason: 'master reloaded' }, 2);
    await answer(port, /^hi 2 \d+$/);

    rmSync(file);
    await waitForState(emperor, 'app.ini', 'stopped');
    await refused(port);
  });

  test('a bad config is broken with the file, key and problem; fixing it serves', async () => {
    const dir = newDir();
    const port = await freePort();
    const file = dir.write('bad.ini', vassal(port).replace('processes = 1', 'processes = four'));
    const emperor = startEmperor([dir.path], { fake: false });
    const broken = await waitForState(emperor, 'bad.ini', 'broken');
    assert.match(String(broken.error), /bad\.ini.*processes.*four/);
    writeFileSync(file, vassal(port));
    await waitForState(emperor, 'bad.ini', 'ready');
    await answer(port, /^hi - \d+$/);
  });

  test('templates: --vassals-inherit under every vassal, --vassal-set over it', async () => {
    const dir = newDir();
    const port = await freePort();
    const base = dir.write('templates/base.ini', '[uwsgi]\nprocesses = 2\nenv = VERSION=base\n');
    dir.write('vassals/app.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${APP}\n`);
    const emperor = startEmperor([dir.file('vassals'), '--vassals-inherit', base, '--vassal-set', 'env=VERSION=set'], { fake: false });
    await waitForState(emperor, 'app.ini', 'ready');
    await answer(port, /^hi set \d+$/);
    assert.equal(emperor.find('worker spawned', { vassal: 'app.ini' }).length, 2, 'processes = 2 came from the template');
  });

  test('a bad template breaks its vassals; fixing it and SIGHUP to the emperor starts them', async () => {
    const dir = newDir();
    const port = await freePort();
    const base = dir.write('templates/base.ini', '[uwsgi]\nprocesses = none\n');
    dir.write('vassals/app.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${APP}\n`);
    const emperor = startEmperor([dir.file('vassals'), '--vassals-inherit', base], { fake: false });
    const broken = await waitForState(emperor, 'app.ini', 'broken');
    assert.match(String(broken.error), /base\.ini.*processes/);
    writeFileSync(base, '[uwsgi]\nprocesses = 1\n');
    emperor.signal('SIGHUP');
    const retry = await waitForState(emperor, 'app.ini', 'starting', 2);
    assert.equal(retry.reason, 'emperor reload');
    await waitForState(emperor, 'app.ini', 'ready');
    await answer(port, /^hi - \d+$/);
  });

  test('SIGKILL of the emperor: every master and worker exits, the port is free', async () => {
    const dir = newDir();
    const ports = [await freePort(), await freePort()];
    ports.forEach((port, i) => dir.write(`app${i}.ini`, vassal(port, 'processes = 2\n')));
    const emperor = startEmperor([dir.path], { fake: false });
    for (const [i, port] of ports.entries()) {
      await waitForState(emperor, `app${i}.ini`, 'ready');
      await answer(port, /^hi/);
    }
    const pids = emperor.descendants();
    assert.ok(pids.length >= 6, `expected 2 masters and 4 workers, found ${pids.length}`);
    emperor.signal('SIGKILL');
    await emperor.exited;
    await waitFor('every master and worker to exit', () => (pids.every((pid) => !isAlive(pid)) ? true : undefined), 5_000);
    for (const port of ports) await refused(port);
  });

  test('masters start without the CA bundle (NODE_EXTRA_CA_CERTS); their workers get it back', async () => {
    const dir = newDir();
    const port = await freePort();
    const bundle = dir.write('ca.pem', '');
    dir.write('ca.ini', vassal(port));
    const emperor = startEmperor([dir.path], { fake: false, env: { NODE_EXTRA_CA_CERTS: bundle } });
    const ready = await waitForState(emperor, 'ca.ini', 'ready');
    const environ = (pid: number) => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    const master = Number(ready.masterPid);
    assert.ok(!environ(master).some((entry) => entry.startsWith('NODE_EXTRA_CA_CERTS=')), 'the master parsed no CA bundle');
    const worker = Number((await emperor.waitForLog('worker ready', { vassal: 'ca.ini' })).workerPid);
    assert.ok(environ(worker).includes(`NODE_EXTRA_CA_CERTS=${bundle}`), 'the worker has it');
    assert.ok(!environ(worker).some((entry) => entry.startsWith('UW_WORKER_NODE_EXTRA_CA_CERTS=')));
  });
});
