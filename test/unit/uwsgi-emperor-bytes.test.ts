// uWSGI's emperor protocol from the vassal's side, as pure functions: which
// command a byte from the Emperor means, which bytes the master's messages
// become, when a vassal is loyal, and how UWSGI_EMPEROR_FD is read at the edge.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UwError } from '../../src/errors.js';
import type { MasterToEmperor } from '../../src/ipc/protocol.js';
import { bytesFor, commandForByte, FIRST_REPORT, isLoyal, type EmperorReport } from '../../src/master/uwsgi-emperor-bytes.js';
import { takeUwsgiEmperorFd } from '../../src/master/uwsgi-emperor-env.js';

/** The bytes a sequence of messages becomes, from a fresh vassal. */
function run(messages: readonly MasterToEmperor[]): number[][] {
  let report: EmperorReport = FIRST_REPORT;
  return messages.map((message) => {
    const result = bytesFor(message, report);
    report = result.report;
    return result.bytes;
  });
}

describe('uWSGI emperor bytes', () => {
  it('maps the Emperor\'s bytes to master commands: 1 reload, 0 and 2 stop, others none', () => {
    assert.equal(commandForByte(1), 'reload');
    assert.equal(commandForByte(0), 'stop');
    assert.equal(commandForByte(2), 'stop');
    for (const byte of [3, 5, 17, 22, 26, 30, 255]) assert.equal(commandForByte(byte), null, `byte ${byte}`);
  });

  it('says 1 when started, 5 when ready, 1 and 5 after each reload', () => {
    const bytes = run([
      { type: 'master-started', pid: 9, reloadMercyMs: 1000 },
      { type: 'master-ready', pid: 9, generation: 1 },
      { type: 'master-reloading', generation: 2 },
      { type: 'master-reloaded', generation: 2, ok: true, durationMs: 5 },
      // a failed reload keeps the old workers, which were accepting
      { type: 'master-reloaded', generation: 3, ok: false, durationMs: 5 },
    ]);
    assert.deepEqual(bytes, [[1], [5], [], [1, 5], [1, 5]]);
  });

  it('after a failed reload of workers that were never ready, says 1 only', () => {
    const bytes = run([
      { type: 'master-started', pid: 9, reloadMercyMs: 1000 },
      { type: 'master-reloaded', generation: 2, ok: false, durationMs: 5 },
    ]);
    assert.deepEqual(bytes, [[1], [1]]);
  });

  it('says 26 for a heartbeat (none when a reload turned it off), 30 for SOS, 22 when idle, nothing for the rest', () => {
    const bytes = run([
      { type: 'master-heartbeat', everyMs: 1000 },
      { type: 'master-heartbeat', everyMs: 0 },
      { type: 'master-sos', reason: 'busy', busyMs: 1000 },
      { type: 'master-idle', idleMs: 1000 },
      { type: 'master-rescan' },
      { type: 'master-paused' },
      { type: 'master-error', code: 'UW_CONFIG_CONFLICT', message: 'x' },
      { type: 'workers-failing', error: 'x', failures: 1, retryInMs: 1 },
    ]);
    assert.deepEqual(bytes, [[26], [], [30], [22], [], [], [], []]);
  });

  it('is loyal once a request was served (Node workers), or once ready (exec workers: requests unseen)', () => {
    assert.equal(isLoyal({ countsRequests: true, requestsServed: 0 }), false);
    assert.equal(isLoyal({ countsRequests: true, requestsServed: 1 }), true);
    assert.equal(isLoyal({ countsRequests: false, requestsServed: 0 }), true);
  });
});

describe('UWSGI_EMPEROR_FD at the edge', () => {
  const sockets = (...fds: number[]) => (fd: number) => fds.includes(fd);
  const usage = (fragment: string) => (err: unknown) => err instanceof UwError && err.code === 'UW_USAGE' && err.message.includes(fragment);

  it('takes the descriptor and removes the uWSGI variables workers must not see', () => {
    const env: NodeJS.ProcessEnv = { UWSGI_EMPEROR_FD: '7', UWSGI_RELOADS: '0', KEEP: '1' };
    assert.equal(takeUwsgiEmperorFd(env, false, sockets(7)), 7);
    assert.deepEqual(env, { KEEP: '1' });
  });

  it('is null without the variable, and under uwemperor (which talks over IPC), removing it all the same', () => {
    assert.equal(takeUwsgiEmperorFd({}, false, sockets(7)), null);
    const env: NodeJS.ProcessEnv = { UWSGI_EMPEROR_FD: '7' };
    assert.equal(takeUwsgiEmperorFd(env, true, sockets(7)), null);
    assert.deepEqual(env, {});
  });

  it('refuses a descriptor that is not an open socket, stdio, or not a number', () => {
    for (const text of ['8', '1', 'abc', '', '-3', '7x']) {
      assert.throws(() => takeUwsgiEmperorFd({ UWSGI_EMPEROR_FD: text }, false, sockets(1, 7)), usage('UWSGI_EMPEROR_FD: expected the number of an open socket'), text);
    }
  });

  it('refuses a config sent over the Emperor\'s pipe, in one line that says what to do', () => {
    assert.throws(() => takeUwsgiEmperorFd({ UWSGI_EMPEROR_FD: '7', UWSGI_EMPEROR_FD_CONFIG: '8' }, false, sockets(7, 8)), usage('which uw does not read; run uw from an Emperor watching vassal files'));
  });
});
