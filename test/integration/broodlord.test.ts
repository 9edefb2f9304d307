// Broodlord end to end with real masters: a busy vassal's SOS starts zerg
// instances from its [zerg] section, which serve on its sockets and retire
// when idle (no restart, no back-off); emperor-broodlord caps them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { freePort } from '../helpers/free-port.js';
import { isAlive, waitFor } from '../helpers/wait-for.js';
import { broodEmperor, broodVassal, slowLoad } from './broodlord-harness.js';
import { statesOf, useVassalDirs, waitForState } from './emperor-harness.js';

const newDir = useVassalDirs();

describe('broodlord', () => {
  test('sustained load starts a zerg that serves, and it retires when idle', async () => {
    const dir = newDir();
    const port = await freePort();
    dir.write('app.ini', broodVassal(dir, port));
    const emperor = broodEmperor(dir, 2);
    await waitForState(emperor, 'app.ini', 'ready');
    const load = slowLoad(port);
    try {
      await emperor.waitForLog('asking the emperor for reinforcements', { vassal: 'app.ini', reason: 'busy' }, 1, 30_000);
      await emperor.waitForLog('broodlord: starting a zerg instance', { vassal: 'app.ini', zerg: 'app.ini:zerg:1' }, 1, 30_000);
      await waitForState(emperor, 'app.ini:zerg:1', 'ready', 1, 30_000);
      const zergWorker = await emperor.waitForLog('worker ready', { vassal: 'app.ini:zerg:1' }, 1, 30_000);
      const zergPid = Number(zergWorker.workerPid ?? zergWorker.pid);
      // the kernel spreads the connections: the zerg's worker answers some of them
      await waitFor('a response from the zerg worker', () => (load.result.pids.has(String(zergPid)) ? true : undefined), 30_000);
    } finally {
      const result = await load.stop();
      assert.equal(result.failed, 0, result.errors.slice(0, 5).join('\n'));
    }
    const zergMaster = Number((await emperor.waitForLog('master spawned', { vassal: 'app.ini:zerg:1' })).masterPid);
    // idle for 2 s after the load: the zerg stops by itself and is forgotten
    await emperor.waitForLog('idle, stopping', { vassal: 'app.ini:zerg:1' }, 1, 30_000);
    await waitForState(emperor, 'app.ini:zerg:1', 'stopped', 1, 30_000);
    await waitFor('the zerg master to exit', () => (isAlive(zergMaster) ? undefined : true), 10_000);
    const states = statesOf(emperor, 'app.ini:zerg:1');
    assert.deepEqual(states.slice(-2), ['stopping', 'stopped'], states.join(' > '));
    assert.ok(!states.includes('backoff'), `no back-off: ${states.join(' > ')}`);
    assert.equal(emperor.find('master exited', { vassal: 'app.ini:zerg:1', code: 0 }).length, 1);
    assert.equal(emperor.find('vassal state', { vassal: 'app.ini:zerg:1', to: 'starting' }).length, 1, 'not restarted');
  });
});
