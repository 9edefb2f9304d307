import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SIGNAL_TABLE } from '../../src/master/signals.js';

describe('master signal table', () => {
  it("is uWSGI's table, with 2.1's SIGTERM and SIGINT as a graceful stop", () => {
    assert.deepEqual(SIGNAL_TABLE, {
      SIGHUP: 'reload',
      SIGTERM: 'term',
      SIGINT: 'stop',
      SIGQUIT: 'kill',
      SIGUSR1: 'stats',
      SIGUSR2: 'status',
      SIGTSTP: 'pause-toggle',
      SIGURG: 'restore-snapshot',
    });
  });
});
