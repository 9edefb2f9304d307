// The descriptor-passing mechanism on real sockets. Its first test is the alarm
// for a Node upgrade: the IPC pipe internals a zerg receives with must still be
// there, and python3's socket.send_fds for a zerg server to send with.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { receiveDescriptors, receiveProblem, sendDescriptors, sendProblem, type ReceivedSocket } from '../../src/process/fd-passing.js';
import { parseZergMessage, zergMessage } from '../../src/process/zerg-message.js';
import { TempDir } from '../helpers/temp-dir.js';

const dir = new TempDir();
const servers: Server[] = [];
after(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  dir.remove();
});

function listening(start: (server: Server) => void): Promise<Server> {
  const server = createServer();
  servers.push(server);
  return new Promise((resolve) => {
    server.once('listening', () => resolve(server));
    start(server);
  });
}

const fdOf = (server: Server): number => (server as unknown as { _handle: { fd: number } })._handle.fd;

/** A zerg server made of the module's own sender: every client gets `fds`. */
async function zergServer(name: string, answer: (fd: number) => void): Promise<string> {
  const path = dir.file(name);
  const server = await listening((s) => s.listen(path));
  server.on('connection', (socket) => {
    answer((socket as unknown as { _handle: { fd: number } })._handle.fd);
    socket.destroy();
  });
  return path;
}

describe('descriptor passing (uWSGI zerg wire format)', () => {
  it('finds the Node internals and python3 it needs (fails loudly after a Node upgrade that removed them)', () => {
    assert.equal(receiveProblem(), null, 'a zerg can no longer receive descriptors on this Node');
    assert.equal(sendProblem(), null, 'a zerg server can no longer send descriptors here');
  });

  it('writes and reads the 14 bytes uWSGI does: "uwsgi-zerg" and a native int32', () => {
    assert.deepEqual(zergMessage(2), Buffer.from('uwsgi-zerg\x02\x00\x00\x00', 'latin1'));
    assert.equal(parseZergMessage(zergMessage(7)), 7);
    assert.equal(parseZergMessage(Buffer.from('uwsgi-zorg\x02\x00\x00\x00', 'latin1')), null);
  });

  it('passes a TCP and a UNIX listener in one message, and they arrive listening where they were bound', async () => {
    const tcp = await listening((s) => s.listen(0, '127.0.0.1'));
    const unixPath = dir.file('app.sock');
    const unix = await listening((s) => s.listen(unixPath));
    const path = await zergServer('zerg.sock', (fd) => void sendDescriptors(fd, [fdOf(tcp), fdOf(unix)]));
    const received: ReceivedSocket[] = await receiveDescriptors(path, 5_000);
    try {
      assert.equal(received.length, 2);
      const [first, second] = received;
      assert.deepEqual(first?.address, { host: '127.0.0.1', port: (tcp.address() as { port: number }).port });
      assert.equal(first?.family, 'tcp');
      assert.deepEqual(second?.address, { path: unixPath });
      assert.equal(second?.family, 'unix');
      // a received listener is the same socket: a server on it accepts the clients of the original
      const copy = await listening((s) => s.listen({ fd: first?.fd ?? -1 }));
      copy.close();
    } finally {
      await Promise.all(received.map((socket) => socket.close()));
    }
  });

  it('names the reason when no zerg server answers, or one that does not speak the protocol', async () => {
    await assert.rejects(receiveDescriptors(dir.file('nobody.sock'), 5_000), /cannot connect \(ENOENT\)/);
    const liar = dir.file('liar.sock');
    const server = await listening((s) => s.listen(liar));
    server.on('connection', (socket) => socket.on('error', () => undefined).end('HTTP/1.1 200 OK\r\n\r\n'));
    await assert.rejects(receiveDescriptors(liar, 5_000), /no "uwsgi-zerg" magic|closed after/);
  });

  it('reports the mechanism missing when it is (the seam a test uses: UW_FD_PASSING=unavailable)', () => {
    process.env.UW_FD_PASSING = 'unavailable';
    try {
      assert.match(receiveProblem() ?? '', /UW_FD_PASSING=unavailable/);
      assert.match(sendProblem() ?? '', /UW_FD_PASSING=unavailable/);
    } finally {
      delete process.env.UW_FD_PASSING;
    }
  });
});
