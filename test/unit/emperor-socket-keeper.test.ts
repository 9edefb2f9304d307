import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { SocketKeeper, type SendToMaster } from '../../src/emperor/socket-keeper.js';
import { fakeVassal } from './emperor-vassal-harness.js';
import { settleAsync, VirtualClock } from './emperor-virtual-clock.js';

/** Named as Node's IPC names the wraps it hands over ("net.Native"). */
class TCP {
  closed = 0;
  constructor(readonly fd: number) {}
  close(): void {
    this.closed += 1;
  }
}
/** What Node would make of a net.Server sent by a master: something that listens here. */
class Server {
  closed = 0;
  close(): void {
    this.closed += 1;
  }
}

const silent = pino({ level: 'silent' });

function sentBy(keeper: SocketKeeper): { message: Record<string, unknown>; handle: unknown }[] {
  const sent: { message: Record<string, unknown>; handle: unknown }[] = [];
  const send: SendToMaster = (message, handle, callback) => {
    sent.push({ message: message as Record<string, unknown>, handle });
    callback(null);
    return true;
  };
  keeper.giveTo(send);
  return sent;
}

test('keeps raw handles by key, replaces (and closes) a copy under the same key, gives them back without closing', () => {
  const keeper = new SocketKeeper(silent);
  const [a, b, again] = [new TCP(10), new TCP(11), new TCP(12)];
  keeper.keep({ key: 'tcp:127.0.0.1:0' }, a);
  keeper.keep({ key: 'unix:/run/a.sock', file: { dev: 1, ino: 2 } }, b);
  keeper.keep({ key: 'tcp:127.0.0.1:0' }, again);
  assert.equal(a.closed, 1);
  assert.equal(keeper.size, 2);
  const sent = sentBy(keeper);
  assert.deepEqual(sent.map((s) => s.message), [
    { type: 'kept-sockets', keys: ['unix:/run/a.sock', 'tcp:127.0.0.1:0'] },
    { type: 'kept-socket', key: 'unix:/run/a.sock', file: { dev: 1, ino: 2 } },
    { type: 'kept-socket', key: 'tcp:127.0.0.1:0' },
  ]);
  assert.deepEqual(sent.map((s) => s.handle), [undefined, b, again]);
  assert.equal(b.closed + again.closed, 0, 'giving copies away keeps ours open');
});

test('keepOnly releases the copies of sockets the master no longer serves; releaseAll the rest', () => {
  const keeper = new SocketKeeper(silent);
  const [a, b] = [new TCP(10), new TCP(11)];
  keeper.keep({ key: 'a' }, a);
  keeper.keep({ key: 'b' }, b);
  keeper.keepOnly(['b', 'c']);
  assert.deepEqual([a.closed, b.closed, keeper.size], [1, 0, 1]);
  keeper.releaseAll('test');
  assert.deepEqual([b.closed, keeper.size], [1, 0]);
});

test('anything but a raw socket handle is closed, not kept; so is a copy beyond the limit', () => {
  const keeper = new SocketKeeper(silent);
  const server = new Server();
  keeper.keep({ key: 'a' }, server);
  keeper.keep({ key: 'b' }, undefined);
  assert.deepEqual([server.closed, keeper.size], [1, 0]);
  const handles = Array.from({ length: 65 }, (_, i) => new TCP(100 + i));
  handles.forEach((handle, i) => keeper.keep({ key: `k${i}` }, handle));
  assert.equal(keeper.size, 64);
  assert.equal(handles[64]?.closed, 1);
});

test('a vassal keeps its master\'s sockets across a crash, gives them to the next master, and releases them when the file goes', async () => {
  const clock = new VirtualClock();
  const { vassal, children, jobs } = fakeVassal(clock, silent);
  void jobs.splice(0).map((job) => job());
  const handle = new TCP(20);
  children[0]?.emit('message', { type: 'master-socket', key: 'tcp:127.0.0.1:8080' }, handle);
  children[0]?.emit('message', { type: 'master-sockets', keys: ['tcp:127.0.0.1:8080'] });
  children[0]?.emit('message', { type: 'master-ready', pid: children[0].pid, generation: 1 });
  children[0]?.exit(null, 'SIGKILL');
  await settleAsync();
  void jobs.splice(0).map((job) => job());
  assert.equal(handle.closed, 0, 'the copy outlives the crash');
  children[1]?.emit('message', { type: 'kept-sockets-request' });
  assert.deepEqual(children[1]?.sent, [{ type: 'kept-sockets', keys: ['tcp:127.0.0.1:8080'] }, { type: 'kept-socket', key: 'tcp:127.0.0.1:8080' }]);
  assert.equal(children[1]?.handles[1], handle);
  // a late handle from the dead master is closed, not kept
  const late = new TCP(21);
  children[0]?.emit('message', { type: 'master-socket', key: 'tcp:127.0.0.1:9090' }, late);
  assert.equal(late.closed, 1);
  vassal.handle({ type: 'file-removed' });
  assert.equal(handle.closed, 1, 'a stopping vassal releases its copies');
});
