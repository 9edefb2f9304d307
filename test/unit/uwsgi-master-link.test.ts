// The link to a uWSGI master, without a process: its ready timer runs from the
// start and again from each reload (the master re-executes and must accept
// again in time).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { pino } from 'pino';
import { linkUwsgiMaster } from '../../src/emperor/uwsgi-master-link.js';
import type { VassalEvent } from '../../src/emperor/vassal-machine.js';
import { VirtualClock } from './emperor-virtual-clock.js';

/** A master that has not exited, with no emperor fd: a reload falls back to a signal, recorded. */
function fakeChild(signals: string[]): ChildProcess {
  const child = new EventEmitter() as unknown as ChildProcess & { stdio: unknown[] };
  Object.assign(child, { pid: 999_999_999, exitCode: null, signalCode: null, stdio: [null, null, null, null], kill: (signal: string) => (signals.push(signal), true) });
  return child;
}

test('the ready timer is armed again by each reload', async () => {
  const clock = new VirtualClock();
  const events: VassalEvent[] = [];
  const signals: string[] = [];
  const child = fakeChild(signals);
  const noop = (): void => undefined;
  const link = linkUwsgiMaster(
    child,
    { logger: pino({ level: 'silent' }), onEvent: (event) => events.push(event), onSos: noop, onIdle: noop, onSpawnFailed: noop, onExit: noop },
    {
      plan: { kind: 'uwsgi', binary: '/bin/true', heartbeatMs: null, stats: null, ownerUid: 0, readyTimeoutMs: 5_000 },
      vassal: 'v',
      clock,
      gracefulStop: true,
      stopMaster: () => Promise.resolve(),
    },
  );
  await clock.advance(5_000);
  assert.deepEqual(events, [{ type: 'ready-timeout', afterMs: 5_000 }], 'not accepting at the start');
  events.length = 0;
  link.reload();
  assert.deepEqual(signals, ['SIGHUP'], 'no emperor fd: the reload is a SIGHUP');
  await clock.advance(4_999);
  assert.deepEqual(events, []);
  await clock.advance(1);
  assert.deepEqual(events, [{ type: 'ready-timeout', afterMs: 5_000 }], 'not accepting again after the reload');
  child.emit('exit', null, 'SIGKILL');
  assert.equal(clock.pending, 0, 'nothing left armed after the exit');
});
