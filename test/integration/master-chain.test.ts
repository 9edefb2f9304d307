// Chain reload: workers replaced one at a time, under load, losing no request
// and never running more than N+1 workers; reload-mode = chain makes SIGHUP a
// chain, touch-chain-reload asks for one, and a chain that cannot keep the
// sockets or the number of workers is done as a graceful reload.
import { utimesSync } from 'node:fs';
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startLoad } from '../helpers/load.js';
import { APPS } from '../helpers/paths.js';
import { killAll, type SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids, startMaster } from '../helpers/uw-master.js';
import { waitFor } from '../helpers/wait-for.js';
import { countWorkers } from '../helpers/worker-census.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

const PROCESSES = 3;
const RELOADS = 3;

/** Every chain-reload line of the log after `from`, in order, as [msg, worker] pairs. */
function chainSteps(cli: SpawnedCli, from: number): string[] {
  return cli.lines.slice(from).flatMap((line) => {
    if (line.msg === 'worker spawned') return [`spawn ${String(line.worker)}`];
    if (line.msg === 'chain reload: worker replaced') return [`replace ${String(line.worker)}`];
    if (line.msg === 'worker exited') return [`exit ${String(line.worker)}`];
    return [];
  });
}

describe('chain reload', () => {
  it(`loses no request over ${RELOADS} chain reloads (SIGHUP with reload-mode = chain) and never runs more than N+1 workers`, async () => {
    const file = dir.write('chain-load.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\nprocesses = ${PROCESSES}\nreload-mode = chain\n`);
    const { cli, port } = await startMaster([file]);
    const census = countWorkers(cli.pid);
    const load = startLoad(port, { keepAlive: 4, fresh: 4 });
    const firstLine = cli.lines.length;
    try {
      for (let reload = 1; reload <= RELOADS; reload += 1) {
        const before = load.result.ok;
        await waitFor('requests flowing', () => (load.result.ok >= before + 50 ? true : undefined));
        cli.signal('SIGHUP');
        await cli.waitForLog('reload finished', { mode: 'chain' }, reload, 60_000);
      }
      const before = load.result.ok;
      await waitFor('requests after the last reload', () => (load.result.ok >= before + 50 ? true : undefined));
      // the last old worker drains after `reload finished`
      await waitFor('old workers gone', () => (liveWorkerPids(cli).length === PROCESSES ? true : undefined));
    } finally {
      census.stop();
      await load.stop();
    }
    const { ok, failed, errors } = load.result;
    assert.equal(failed, 0, `failed requests: ${errors.slice(0, 5).join(', ')}`);
    assert.ok(ok > 300, `only ${ok} requests`);
    assert.ok(census.samples > 100, `only ${census.samples} samples of the master's children`);
    assert.ok(census.max <= PROCESSES + 1, `${census.max} workers at once (N = ${PROCESSES})`);
    assert.equal(cli.find('chain reload: worker replaced').length, RELOADS * PROCESSES);
    // slot by slot: the next replacement is spawned only after the old worker it replaced exited
    const one = ['spawn 1', 'replace 1', 'exit 1', 'spawn 2', 'replace 2', 'exit 2', 'spawn 3', 'replace 3', 'exit 3'];
    assert.deepEqual(chainSteps(cli, firstLine), Array.from({ length: RELOADS }, () => one).flat());
  });

  it('chain-reloads on touch-chain-reload, while SIGHUP stays a graceful reload', async () => {
    const touch = dir.write('chain-touch', '');
    const file = dir.write('chain-touch.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\nprocesses = 2\ntouch-chain-reload = ${touch}\n`);
    const { cli } = await startMaster([file]);
    const future = new Date(Date.now() + 5_000);
    utimesSync(touch, future, future);
    await cli.waitForLog('touch-chain-reload', { file: touch });
    await cli.waitForLog('reload finished', { mode: 'chain' }, 1, 30_000);
    assert.equal(cli.find('chain reload: worker replaced').length, 2);
    cli.signal('SIGHUP');
    await cli.waitForLog('reload finished', { mode: 'graceful' }, 1, 30_000);
    assert.equal(cli.find('chain reload: worker replaced').length, 2);
  });

  it('runs reloads asked for during a chain after it, coalesced into one', async () => {
    const file = dir.write('chain-queue.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\nprocesses = 3\nreload-mode = chain\n`);
    const { cli } = await startMaster([file]);
    cli.signal('SIGHUP');
    await cli.waitForLog('chain reload started');
    cli.signal('SIGHUP');
    cli.signal('SIGHUP');
    await cli.waitForLog('reload finished', { mode: 'chain' }, 2, 60_000);
    const [first, second] = cli.find('reload finished');
    assert.equal(cli.find('chain reload started').length, 2);
    assert.ok(first !== undefined && second !== undefined);
    // the second started after the first finished, and nothing more was pending (a third would have
    // started in the same tick as the second finished, before the stats asked for now)
    cli.signal('SIGUSR1');
    await cli.waitForLog('stats');
    const started = cli.find('reload started');
    assert.equal(started.length, 2);
    assert.ok(String(started[1]?.time) >= String(first.time), `second reload started at ${String(started[1]?.time)}, the first finished at ${String(first.time)}`);
    assert.equal(cli.find('chain reload: worker replaced').length, 6);
  });

  it('in cheaper mode replaces only the workers running, leaving the empty slots empty', async () => {
    const file = dir.write('chain-cheaper.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\nprocesses = 3\ncheaper = 1\ncheaper-initial = 2\nreload-mode = chain\n`);
    const { cli } = await startMaster([file]);
    assert.equal(liveWorkerPids(cli).length, 2);
    cli.signal('SIGHUP');
    await cli.waitForLog('reload finished', { mode: 'chain' }, 1, 30_000);
    assert.equal(cli.find('chain reload started')[0]?.slots, 2);
    assert.deepEqual(cli.find('chain reload: worker replaced').map((line) => line.worker), [1, 2]);
    await waitFor('the old workers gone', () => (liveWorkerPids(cli).every((pid) => cli.find('worker ready', { workerPid: pid, generation: 2 }).length === 1) ? true : undefined));
    assert.ok(liveWorkerPids(cli).length <= 2, `${liveWorkerPids(cli).length} workers`);
  });

  it('does a chain as a graceful reload when processes changes, and says so', async () => {
    const text = (processes: number): string => `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\nprocesses = ${processes}\nreload-mode = chain\n`;
    const file = dir.write('chain-grow.ini', text(1));
    const { cli } = await startMaster([file]);
    dir.write('chain-grow.ini', text(2));
    cli.signal('SIGHUP');
    const fallback = await cli.waitForLog('chain reload done as a graceful reload');
    assert.equal(fallback.why, 'processes changes from 1 to 2');
    await cli.waitForLog('reload finished', { mode: 'chain' }, 1, 30_000);
    assert.equal(cli.find('chain reload started').length, 0);
    await waitFor('two workers', () => (liveWorkerPids(cli).length === 2 ? true : undefined), 15_000);
  });
});
