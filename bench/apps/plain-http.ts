// One plain node:http process serving the hello handler on 127.0.0.1:0; prints
// {"msg":"listening","port":N} once it listens. With argv[2] "tracked", every
// request first goes through the uw worker's own bookkeeping (Drainer and
// RequestCounter from the build), to measure what that costs per request.
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import hello from './hello.js';

async function trackedHello(): Promise<RequestListener> {
  const { Drainer } = await import('../../src/worker/drain.js');
  const { RequestCounter } = await import('../../src/worker/request-counter.js');
  const counter = new RequestCounter();
  const drainer = new Drainer(() => counter.responses());
  return (req, res) => {
    drainer.track(res);
    counter.track(req, res);
    hello(req, res);
  };
}

const handler = process.argv[2] === 'tracked' ? await trackedHello() : hello;
const server = createServer(handler);
server.listen({ host: '127.0.0.1', port: 0, backlog: 511 }, () => {
  console.log(JSON.stringify({ msg: 'listening', port: (server.address() as AddressInfo).port }));
});
process.on('SIGINT', () => process.exit(0));
