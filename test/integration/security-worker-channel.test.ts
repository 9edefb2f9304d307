// A worker runs the app, which in tyrant mode belongs to the file's owner and
// may be hostile: it must not hold the master's IPC channel to the emperor
// (it could speak for the master). Module, script and exec workers of a real
// `uw` under a real emperor hold no descriptor of that channel.
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync } from 'node:fs';
import { test } from 'node:test';
import { APPS } from '../helpers/paths.js';
import { startEmperor, useVassalDirs, waitForState } from './emperor-harness.js';

const vassalDir = useVassalDirs();

/** What each descriptor of `pid` points at ("socket:[123]", a path...). */
function descriptors(pid: number): string[] {
  return readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/${pid}/fd/${fd}`)];
    } catch {
      return [];
    }
  });
}

test('no worker inherits its master\'s channel to the emperor', async () => {
  const dir = vassalDir();
  dir.write('module.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\nprocesses = 2\n`);
  dir.write('exec.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nexec = ${APPS}argv-probe.sh\nenv = PROBE_OUT=${dir.path}/probe.out\n`);
  const emperor = startEmperor([dir.path], { fake: false });
  for (const [name, workers] of [['module.ini', 2], ['exec.ini', 1]] as const) {
    await waitForState(emperor, name, 'ready');
    const master = Number((await emperor.waitForLog('master spawned', { vassal: name })).masterPid);
    // stdio index 3 of the master is the 'ipc' the emperor gave it
    const channel = readlinkSync(`/proc/${master}/fd/3`);
    assert.match(channel, /^socket:/);
    const spawned = emperor.find('worker spawned', { vassal: name }).map((line) => Number(line.workerPid));
    assert.equal(spawned.length, workers);
    for (const pid of spawned) assert.ok(!descriptors(pid).includes(channel), `${name}: worker ${pid} holds the master's channel ${channel}`);
  }
});

test('an app writing junk on its worker\'s channel does not take its master down', async () => {
  const dir = vassalDir();
  dir.write('junk.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}junk-channel.mjs\nprocesses = 2\n`);
  const emperor = startEmperor([dir.path], { fake: false });
  await waitForState(emperor, 'junk.ini', 'ready');
  // both workers wrote their junk before they said ready: the master read it all and lives on
  await emperor.waitForLog('worker ready', { vassal: 'junk.ini' }, 2);
  assert.equal(emperor.find('master exited', { vassal: 'junk.ini' }).length, 0);
  assert.equal(emperor.find('master spawned', { vassal: 'junk.ini' }).length, 1);
});
