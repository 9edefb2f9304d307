// Master FIFO `E` and `B` under the real emperor: the master asks it to rescan
// its vassal files, and for reinforcements through the broodlord's SOS path.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../helpers/free-port.js';
import { TempDir } from '../helpers/temp-dir.js';
import { startEmperor, useVassalDirs, waitForState } from './emperor-harness.js';
import { kindAt, writeFifo } from './master-fifo-harness.js';
import { APPS } from '../helpers/paths.js';
import { broodEmperor, broodVassal } from './broodlord-harness.js';

const newDir = useVassalDirs();
const fifos = new TempDir();
after(() => fifos.remove());

describe('master FIFO under the emperor', () => {
  it('E asks the emperor to rescan; B asks it for reinforcements (broodlord off: it says so)', async () => {
    const dir = newDir();
    const fifo = fifos.file('vassal.fifo');
    dir.write('app.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:${await freePort()}\nmodule = ${APPS}hello.mjs\nmaster-fifo = ${fifo}\n`);
    const emperor = startEmperor([dir.path], { fake: false });
    await waitForState(emperor, 'app.ini', 'ready');
    assert.equal(kindAt(fifo), 'fifo 600');

    writeFifo(fifo, 'E');
    await emperor.waitForLog('vassal asks for a rescan', { vassal: 'app.ini' });
    await emperor.waitForLog('emperor rescan', { why: 'vassal' });
    writeFifo(fifo, 'B');
    await emperor.waitForLog('vassal asks for reinforcements, but emperor-broodlord is off', { vassal: 'app.ini', reason: 'fifo' });
    assert.deepEqual(emperor.find('no emperor governs this master'), []);
  });

  it('B starts a zerg instance when the emperor runs broodlord', async () => {
    const dir = newDir();
    const fifo = fifos.file('brood.fifo');
    dir.write('app.ini', broodVassal(dir, await freePort(), { main: `master-fifo = ${fifo}` }));
    const emperor = broodEmperor(dir, 1);
    await waitForState(emperor, 'app.ini', 'ready');
    writeFifo(fifo, 'B');
    await emperor.waitForLog('broodlord: starting a zerg instance', { vassal: 'app.ini', reason: 'fifo', zerg: 'app.ini:zerg:1' });
    await waitForState(emperor, 'app.ini:zerg:1', 'ready', 1, 30_000);
  });
});
