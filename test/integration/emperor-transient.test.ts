// Transient errors are not config errors: with the real master, a port still
// held by the old master of a renamed vassal, or an address this host does not
// have yet, puts the vassal in backoff ("will retry"), never broken, and it
// starts by itself once the cause is gone.
import assert from 'node:assert/strict';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { describe, test } from 'node:test';
import { freePort } from '../helpers/free-port.js';
import { APPS } from '../helpers/paths.js';
import { startEmperor, statesOf, useVassalDirs, waitForState } from './emperor-harness.js';

const newDir = useVassalDirs();

describe('emperor: transient errors are retried', () => {
  test('a rename while the old master still holds the port: backoff until it exits, then ready', async () => {
    const dir = newDir();
    const port = await freePort();
    const release = dir.file('release');
    // the old worker keeps the socket and shrugs off SIGINT until `release` exists: a slow stop
    const file = dir.write('app.ini', `[uwsgi]\nsocket = 127.0.0.1:${port}\nexec = ${APPS}hold-socket.sh ${release}\n`);
    const emperor = startEmperor([dir.path], { fake: false });
    await waitForState(emperor, 'app.ini', 'ready');

    renameSync(file, dir.file('app2.ini'));
    await waitForState(emperor, 'app.ini', 'stopping');
    const backoff = await waitForState(emperor, 'app2.ini', 'backoff');
    assert.match(String(backoff.reason), new RegExp(`app2\\.ini: option "socket": address already in use: 127\\.0\\.0\\.1:${port} \\[UW_SOCKET_IN_USE\\]; will retry in 1 s$`));
    await waitForState(emperor, 'app2.ini', 'backoff', 2); // retried, still held

    writeFileSync(release, '');
    await waitForState(emperor, 'app.ini', 'stopped');
    await waitForState(emperor, 'app2.ini', 'ready', 1, 20_000);
    assert.ok(!statesOf(emperor, 'app2.ini').includes('broken'), `never broken: ${statesOf(emperor, 'app2.ini').join(' -> ')}`);
  });

  test('an address this host does not have (EADDRNOTAVAIL) is retried with back-off, not broken', async (t) => {
    const address = '203.0.113.1'; // TEST-NET-3: bound only, never sent to
    if (Object.values(networkInterfaces()).flat().some((nic) => nic?.address === address)) return t.skip(`${address} is configured here`);
    const dir = newDir();
    const file = dir.write('early.ini', `[uwsgi]\nhttp-socket = ${address}:${await freePort()}\nmodule = ${APPS}hello.mjs\n`);
    const emperor = startEmperor([dir.path], { fake: false });
    const first = await waitForState(emperor, 'early.ini', 'backoff');
    assert.match(String(first.reason), /EADDRNOTAVAIL.*\[UW_SOCKET_BIND\]; will retry in 1 s$/);
    const second = await waitForState(emperor, 'early.ini', 'backoff', 2);
    assert.match(String(second.reason), /will retry in 2 s$/);
    assert.ok(!statesOf(emperor, 'early.ini').includes('broken'));
    rmSync(file);
    await waitForState(emperor, 'early.ini', 'stopped');
  });
});
