// heartbeat = S with the real uw and uwemperor: a master SIGSTOPped (a hung
// master) is reloaded after 2xS of silence, killed after 4xS and started again,
// and the vassal serves again; the emperor's statistics show the last beat.
// Without heartbeat, the same hung master is only reported, never touched.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { freePort } from '../helpers/free-port.js';
import { get } from '../helpers/http-client.js';
import type { SpawnedCli } from '../helpers/spawned-cli.js';
import { FIXTURES } from '../helpers/paths.js';
import { isAlive, waitFor } from '../helpers/wait-for.js';
import { startEmperor, useVassalDirs, waitForState } from './emperor-harness.js';

const APP = `${FIXTURES}emperor/app.mjs`;
const newDir = useVassalDirs();

const vassal = (port: number, extra = '') => `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${APP}\nprocesses = 1\n${extra}`;
const masterPids = (emperor: SpawnedCli, name: string): number[] => emperor.find('master spawned', { vassal: name }).map((line) => Number(line.masterPid));

/** SIGSTOP `pid` while `body` runs; SIGCONT it afterwards if it still exists, pass or fail. */
async function whileStopped(pid: number, body: () => Promise<void>): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  try {
    await body();
  } finally {
    if (isAlive(pid)) process.kill(pid, 'SIGCONT');
  }
}

async function vassalDoc(statsPort: number, id: string): Promise<Record<string, unknown>> {
  const doc = JSON.parse((await get({ port: statsPort })).body) as { vassals: Record<string, unknown>[]; collected_ms: number };
  const found = doc.vassals.find((entry) => entry.id === id);
  assert.ok(found, id);
  return { ...found, collected_ms: doc.collected_ms };
}

describe('heartbeat', () => {
  test('a hung master is reloaded after 2xS, killed after 4xS and restarted; its vassal serves again', async () => {
    const dir = newDir();
    const port = await freePort();
    const statsPort = await freePort();
    dir.write('hb.ini', vassal(port, 'heartbeat = 1\n'));
    const emperor = startEmperor([dir.path, '--stats', `127.0.0.1:${statsPort}`], { fake: false });
    await waitForState(emperor, 'hb.ini', 'ready');
    const [hung] = masterPids(emperor, 'hb.ini');
    assert.ok(hung !== undefined);
    const beat = await waitFor('a beat in the stats', async () => {
      const doc = await vassalDoc(statsPort, 'hb.ini');
      return Number(doc.last_heartbeat) > 0 ? doc : undefined;
    });
    assert.ok(Math.abs(Number(beat.last_heartbeat) - Date.now() / 1000) < 10, `last_heartbeat ${String(beat.last_heartbeat)}`);
    await whileStopped(hung, async () => {
      const hup = await emperor.waitForLog('master signalled', { vassal: 'hb.ini', signal: 'SIGHUP' });
      assert.equal(hup.masterPid, hung);
      assert.match(String(hup.why), /no heartbeat for 2 s/);
      const kill = await emperor.waitForLog('master signalled', { vassal: 'hb.ini', signal: 'SIGKILL' });
      assert.match(String(kill.why), /no heartbeat for 4 s/);
      assert.ok(emperor.lines.indexOf(hup) < emperor.lines.indexOf(kill), 'SIGHUP first, then SIGKILL');
      await waitFor('the hung master to be gone', () => (isAlive(hung) ? undefined : true));
    });
    await waitForState(emperor, 'hb.ini', 'ready', 2, 30_000);
    const pids = masterPids(emperor, 'hb.ini');
    assert.equal(pids.length, 2);
    assert.notEqual(pids[1], hung);
    const restarted = emperor.find('vassal state', { vassal: 'hb.ini', to: 'starting' }).at(-1);
    assert.match(String(restarted?.reason), /signal SIGKILL.*no heartbeat/);
    assert.equal((await get({ port })).status, 200);
  });

  test('without heartbeat a hung master is reported (log and stats), not reloaded or killed', async () => {
    const dir = newDir();
    const port = await freePort();
    const statsPort = await freePort();
    dir.write('quiet.ini', vassal(port));
    const emperor = startEmperor([dir.path, '--stats', `127.0.0.1:${statsPort}`], { fake: false });
    await waitForState(emperor, 'quiet.ini', 'ready');
    const [hung] = masterPids(emperor, 'quiet.ini');
    assert.ok(hung !== undefined);
    assert.equal((await vassalDoc(statsPort, 'quiet.ini')).last_heartbeat, 0);
    await whileStopped(hung, async () => {
      // each collection waits 2 s for the stopped master: two of them are > 4 s of silence, twice a 1 s heartbeat's deadlines
      const first = await waitFor('a collection without its answer', async () => {
        const doc = await vassalDoc(statsPort, 'quiet.ini');
        return doc.answered === false ? doc : undefined;
      });
      assert.equal(first.unanswered, 'stats-request');
      const line = await emperor.waitForLog('master not answering', { vassal: 'quiet.ini' });
      assert.equal(line.masterPid, hung);
      assert.equal(line.stopped, true);
      assert.equal(emperor.find('master signalled').length, 0);
      await waitFor('a second collection without its answer', async () => {
        const doc = await vassalDoc(statsPort, 'quiet.ini');
        return doc.answered === false && Number(doc.collected_ms) > Number(first.collected_ms) ? true : undefined;
      });
    });
    await waitFor('the master to answer again', async () => ((await vassalDoc(statsPort, 'quiet.ini')).answered === true ? true : undefined), 20_000);
    await emperor.waitForLog('master answering again', { vassal: 'quiet.ini' });
    assert.deepEqual(masterPids(emperor, 'quiet.ini'), [hung], 'the same master, never restarted');
    assert.equal(emperor.find('master signalled').length, 0);
    assert.equal(emperor.find('master not answering', { vassal: 'quiet.ini' }).length, 1);
    assert.equal((await get({ port })).status, 200);
  });
});
