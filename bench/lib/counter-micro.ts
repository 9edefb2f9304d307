// The request counter's own cost, isolated from the machine's noise: real
// ServerResponse objects on one socket, tracked and closed in a loop, with the
// product's RequestCounter and with the bench's bare one; CPU ns per request.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { RequestCounter } from '../../src/worker/request-counter.js';
import { RequestCounter as BareCounter } from './bare-counter.js';

interface Counter {
  track(req: IncomingMessage, res: ServerResponse): void;
}

const BATCH = 20_000;

function cpuNsPerRequest(counter: Counter, socket: Socket, rounds: number): number {
  const pairs = Array.from({ length: BATCH }, () => {
    const req = new IncomingMessage(socket);
    return [req, new ServerResponse(req)] as const;
  });
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round++) {
    const before = process.cpuUsage();
    for (const [req, res] of pairs) {
      counter.track(req, res);
      res.emit('close');
    }
    const used = process.cpuUsage(before);
    best = Math.min(best, ((used.user + used.system) * 1000) / BATCH);
    for (const [, res] of pairs) res.removeAllListeners('close');
  }
  return best;
}

/** Best-of-`rounds` CPU ns per tracked request: counters on, and the bare stand-in. */
export function counterCostNs(rounds: number): { counters: number; bare: number } {
  const socket = new Socket();
  const result = { counters: 0, bare: 0 };
  // alternate, so that JIT warm-up and GC hit both alike
  for (let i = 0; i < 3; i++) {
    result.counters = cpuNsPerRequest(new RequestCounter(), socket, rounds);
    result.bare = cpuNsPerRequest(new BareCounter(), socket, rounds);
  }
  socket.destroy();
  return result;
}
