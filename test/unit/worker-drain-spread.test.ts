// A reload's drain spreads the old worker's `Connection: close` over a window:
// each connection open at the drain keeps alive until its own random moment,
// so keep-alive clients do not all reconnect to the new workers at once.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { createServer, type Socket } from 'node:net';
import type { ServerResponse } from 'node:http';
import { Drainer } from '../../src/worker/drain.js';

/** A server that never listens: the test emits its connections (net.Server has no listener of its own for them). */
function fakeServer(): Server {
  return createServer() as unknown as Server;
}

function connection(): Socket {
  return Object.assign(new EventEmitter(), { bytesRead: 1 }) as unknown as Socket;
}

function response(socket: Socket): ServerResponse {
  return { socket, shouldKeepAlive: true, headersSent: false } as unknown as ServerResponse;
}

/** Drain with `spreadMs` at time 0, connections' moments from `dice`; then the next response of each at `at`. */
function keptAlive(spreadMs: number, dice: number[], at: number): boolean[] {
  let now = 0;
  const rolls = [...dice];
  const drainer = new Drainer(() => [], { now: () => now, random: () => rolls.shift() ?? 0 });
  const server = fakeServer();
  drainer.watch(server);
  const sockets = dice.map(() => connection());
  for (const socket of sockets) server.emit('connection', socket);
  void drainer.drain([server], { spreadMs });
  now = at;
  return sockets.map((socket) => {
    const res = response(socket);
    drainer.track(res);
    return res.shouldKeepAlive;
  });
}

describe('Drainer: spread of Connection: close on a reload', () => {
  it('without a spread, every next response closes its connection', () => {
    assert.deepEqual(keptAlive(0, [0.1, 0.5, 0.9], 0), [false, false, false]);
  });

  it('with a spread, a connection keeps alive until its own moment, then closes after its next response', () => {
    // moments 100, 500 and 900 ms into a 1,000 ms window
    assert.deepEqual(keptAlive(1_000, [0.1, 0.5, 0.9], 50), [true, true, true]);
    assert.deepEqual(keptAlive(1_000, [0.1, 0.5, 0.9], 600), [false, false, true]);
    assert.deepEqual(keptAlive(1_000, [0.1, 0.5, 0.9], 1_000), [false, false, false]);
  });

  it('a connection the drain did not know (accepted after it began) closes at once', () => {
    const drainer = new Drainer(() => [], { now: () => 0, random: () => 0.9 });
    const server = fakeServer();
    drainer.watch(server);
    void drainer.drain([server], { spreadMs: 1_000 });
    const late = connection();
    server.emit('connection', late);
    const res = response(late);
    drainer.track(res);
    assert.equal(res.shouldKeepAlive, false);
  });
});
