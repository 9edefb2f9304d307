// Workers-only reloads from the master FIFO: `w` (graceful) and `W` (brutal)
// start a new generation with the config running now, not the file as it is;
// `c` chain-reloads from the file.
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { get } from '../helpers/http-client.js';
import { APPS } from '../helpers/paths.js';
import { killAll } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids, startMaster } from '../helpers/uw-master.js';
import { waitFor } from '../helpers/wait-for.js';
import { writeFifo } from './master-fifo-harness.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

/** The VERSION in `count` answers, each on a new connection. */
async function versions(port: number, count = 8): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < count; i += 1) seen.add((await get({ port })).body.split(' ')[2] ?? '');
  return seen;
}

describe('workers-only reload (FIFO w, W) and chain reload (FIFO c)', () => {
  it('w and W keep the config running now although the file changed; c reads the file', async () => {
    const fifo = dir.file('workers.fifo');
    const text = (version: string): string => `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\nprocesses = 2\nmaster-fifo = ${fifo}\nenv = VERSION=${version}\n`;
    const file = dir.write('workers.ini', text('A'));
    const { cli, port } = await startMaster([file]);
    const first = liveWorkerPids(cli);
    writeFileSync(file, text('B'));

    writeFifo(fifo, 'w');
    await cli.waitForLog('reload finished', { mode: 'graceful', source: 'current' }, 1, 30_000);
    await waitFor('the old workers gone', () => (liveWorkerPids(cli).every((pid) => !first.includes(pid)) && liveWorkerPids(cli).length === 2 ? true : undefined));
    assert.deepEqual(await versions(port), new Set(['A']));
    const second = liveWorkerPids(cli);

    writeFifo(fifo, 'W');
    await cli.waitForLog('reload finished', { mode: 'brutal', source: 'current' }, 1, 30_000);
    await waitFor('the old workers killed', () => (second.every((pid) => cli.find('worker exited', { workerPid: pid, endReason: 'brutal' }).length === 1) ? true : undefined));
    assert.deepEqual(await versions(port), new Set(['A']));

    writeFifo(fifo, 'c');
    await cli.waitForLog('reload finished', { mode: 'chain', source: 'file' }, 1, 30_000);
    assert.equal(cli.find('chain reload: worker replaced').length, 2);
    assert.deepEqual(await versions(port), new Set(['B']));
  });
});
