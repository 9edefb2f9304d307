import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parkCaCerts, restoreCaCerts } from '../../src/process/ca-certs-env.js';

describe('CA bundle hand-over from emperor to workers', () => {
  it('parks NODE_EXTRA_CA_CERTS for the master and restores it for its workers', () => {
    const master = parkCaCerts({ PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/ca.pem' });
    assert.deepEqual(master, { PATH: '/bin', UW_WORKER_NODE_EXTRA_CA_CERTS: '/etc/ca.pem' });
    assert.deepEqual(restoreCaCerts(master), { PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/ca.pem' });
  });

  it('leaves an environment without the variable alone', () => {
    const env = { PATH: '/bin' };
    assert.equal(parkCaCerts(env), env);
    assert.equal(restoreCaCerts(env), env);
  });
});
