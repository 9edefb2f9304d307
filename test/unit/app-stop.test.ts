// What a script worker does after its drain, by the app's own SIGTERM/SIGINT
// handlers (src/worker/app-stop.ts): on a reload they run now, on a stop the
// signal already reached them, and an app without any exits at once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planAppStop } from '../../src/worker/app-stop.js';

const none = { SIGTERM: 0, SIGINT: 0 };

describe('planAppStop', () => {
  it('no handler of its own: exit, on a reload and on a stop', () => {
    assert.deepEqual(planAppStop({ why: 'reload' }, none), { kind: 'exit' });
    assert.deepEqual(planAppStop({ why: 'stop', signal: 'SIGTERM' }, none), { kind: 'exit' });
  });

  it('a reload runs its SIGTERM handlers, else its SIGINT ones', () => {
    assert.deepEqual(planAppStop({ why: 'reload' }, { SIGTERM: 1, SIGINT: 1 }), { kind: 'run', signal: 'SIGTERM' });
    assert.deepEqual(planAppStop({ why: 'reload' }, { SIGTERM: 0, SIGINT: 2 }), { kind: 'run', signal: 'SIGINT' });
  });

  it('a stop by a signal the app handles waits for its handler to exit it', () => {
    assert.deepEqual(planAppStop({ why: 'stop', signal: 'SIGTERM' }, { SIGTERM: 1, SIGINT: 0 }), { kind: 'wait' });
    assert.deepEqual(planAppStop({ why: 'stop', signal: 'SIGINT' }, { SIGTERM: 0, SIGINT: 1 }), { kind: 'wait' });
  });

  it('a stop by SIGTERM of an app with only a SIGINT handler runs that handler (it never got the signal)', () => {
    assert.deepEqual(planAppStop({ why: 'stop', signal: 'SIGTERM' }, { SIGTERM: 0, SIGINT: 1 }), { kind: 'run', signal: 'SIGINT' });
  });
});
