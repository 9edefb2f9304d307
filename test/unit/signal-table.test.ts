import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SIGNAL_TABLE } from '../../src/master/signals.js';

describe('master signal table', () => {
  it('is the uWSGI table', () => {
    assert.deepEqual(SIGNAL_TABLE, {
      SIGHUP: 'reload',
      SIGTERM: 'term',
      SIGINT: 'stop',
      SIGQUIT: 'stop',
      SIGUSR1: 'stats',
      SIGUSR2: 'status',
      SIGTSTP: 'pause-toggle',
    });
  });
});
