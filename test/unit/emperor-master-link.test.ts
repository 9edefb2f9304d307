// The exit of a uw master is acted on after its channel's last messages: a
// master-error sent just before exit 2 must still name the problem.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { describe, it } from 'node:test';
import pino from 'pino';
import { linkMaster, type MasterLinkCallbacks } from '../../src/emperor/master-link.js';
import { systemClock } from '../../src/emperor/clock.js';
import { StatsRequests } from '../../src/emperor/stats-requests.js';
import { FakeChild } from './emperor-fake-child.js';

function link(child: FakeChild): string[] {
  const seen: string[] = [];
  const none = (): void => undefined;
  const callbacks: MasterLinkCallbacks = {
    logger: pino({ level: 'silent' }),
    onEvent: (event) => seen.push(event.type),
    onStats: none,
    onMercy: none,
    onSpawnFailed: none,
    onSos: none,
    onRescan: none,
    onIdle: none,
    onExit: (code) => seen.push(`exit ${code}`),
    onSocket: none,
    onSockets: none,
    onKeptRequest: none,
  };
  linkMaster(child as unknown as ChildProcess, callbacks, { stats: new StatsRequests(systemClock), stopMaster: () => Promise.resolve() });
  return seen;
}

describe('master link', () => {
  it('reads the messages that come after the exit event, until the channel closes, before acting on the exit', () => {
    const child = new FakeChild();
    const seen = link(child);
    child.exitCode = 2;
    child.emit('exit', 2, null);
    child.emit('message', { type: 'master-error', code: 'UW_CONFIG_INVALID_VALUE', message: 'app.ini: bad' });
    assert.deepEqual(seen, ['master-error']);
    child.connected = false;
    child.emit('disconnect');
    assert.deepEqual(seen, ['master-error', 'exit 2']);
  });

  it('acts on the exit at once when the channel is already closed', () => {
    const child = new FakeChild();
    const seen = link(child);
    child.exit(1);
    assert.deepEqual(seen, ['exit 1']);
  });
});
