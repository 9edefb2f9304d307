import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReadyConfigs } from '../../src/master/ready-configs.js';
import { chainFallback, coalesceReload, type ChainCheck } from '../../src/master/reload-request.js';

describe('reload requests', () => {
  it('keeps one pending reload: the last request wins, but a brutal one stays brutal', () => {
    assert.deepEqual(coalesceReload(null, { mode: 'chain', source: 'file' }), { mode: 'chain', source: 'file' });
    assert.deepEqual(coalesceReload({ mode: 'chain', source: 'file' }, { mode: 'graceful', source: 'current' }), { mode: 'graceful', source: 'current' });
    assert.deepEqual(coalesceReload({ mode: 'brutal', source: 'current' }, { mode: 'chain', source: 'file' }), { mode: 'brutal', source: 'file' });
  });

  it('does a chain as a graceful reload when processes, sockets or the app kind change, or nothing was ready', () => {
    const same: ChainCheck = { wasReady: true, processes: { now: 2, next: 2 }, kind: { now: 'module', next: 'module' }, socketsChanged: false };
    assert.equal(chainFallback(same), null);
    assert.equal(chainFallback({ ...same, processes: { now: 2, next: 3 } }), 'processes changes from 2 to 3');
    assert.equal(chainFallback({ ...same, socketsChanged: true }), 'the sockets change');
    assert.equal(chainFallback({ ...same, kind: { now: 'module', next: 'exec' } }), 'the app kind changes from module to exec');
    assert.equal(chainFallback({ ...same, wasReady: false }), 'no generation of workers was ready yet');
  });
});

describe('ready configs (restore-snapshot)', () => {
  it('restores the previous ready config, and forgets the one rolled back from', () => {
    const configs = new ReadyConfigs<string>();
    assert.equal(configs.target(true), null);
    configs.ready('A');
    // only one ever ready: a fresh generation of it
    assert.equal(configs.target(true), 'A');
    configs.ready('B');
    configs.ready('B'); // a workers-only reload: nothing new became ready
    assert.equal(configs.target(true), 'A');
    configs.restored('A');
    assert.deepEqual([configs.current, configs.previous], ['A', null]);
    // a second restore does not go back to B
    assert.equal(configs.target(true), 'A');
  });

  it('rebuilds from the current ready config when some workers run another (a chain that stopped)', () => {
    const configs = new ReadyConfigs<string>();
    configs.ready('A');
    configs.ready('B');
    assert.equal(configs.target(false), 'B');
    configs.restored('B');
    assert.deepEqual([configs.current, configs.previous], ['B', 'A']);
  });
});
