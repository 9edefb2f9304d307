// The claim rule of script workers (src/worker/listen-claim.ts, README "Running
// an existing Node app"): which of the master's sockets an app's listen() gets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { portOfWhere } from '../../src/config/addresses.js';
import { claimSocket, describeRequest, parseListenArgs, type Claim, type HeldAddress, type ListenRequest } from '../../src/worker/listen-claim.js';

const tcp = (index: number, where: string): HeldAddress => ({ index, fd: 3 + index, where });
const ONE = [tcp(0, '127.0.0.1:8080')];
const TWO = [tcp(0, '127.0.0.1:8080'), tcp(1, '/run/admin.sock')];
const THREE = [tcp(0, '127.0.0.1:8080'), tcp(1, '127.0.0.1:9090'), tcp(2, '/run/admin.sock')];
const port = (value: number, host: string | null = null): ListenRequest => ({ kind: 'port', port: value, host });
const path = (value: string): ListenRequest => ({ kind: 'path', path: value });

describe('parseListenArgs reads every overload of listen()', () => {
  const cb = (): void => undefined;
  const cases: [string, unknown[], ListenRequest, boolean][] = [
    ['listen(port)', [3000], port(3000), false],
    ['listen("3000") (process.env.PORT)', ['3000'], port(3000), false],
    ['listen(port, host, cb)', [3000, '0.0.0.0', cb], port(3000, '0.0.0.0'), true],
    ['listen(port, host, backlog, cb)', [3000, 'localhost', 511, cb], port(3000, 'localhost'), true],
    ['listen(port, cb)', [3000, cb], port(3000), true],
    ['listen() and listen(cb): any port', [cb], port(0), true],
    ['listen(undefined) (PORT unset, no default)', [undefined], port(0), false],
    ['listen(path, cb)', ['/tmp/app.sock', cb], path('/tmp/app.sock'), true],
    ['listen({ port, host })', [{ port: 3000, host: '::1' }], port(3000, '::1'), false],
    ['listen({ port: "3000" })', [{ port: '3000' }], port(3000), false],
    ['listen({ path }, cb)', [{ path: '/tmp/app.sock' }, cb], path('/tmp/app.sock'), true],
    ['listen({ fd })', [{ fd: 7 }], { kind: 'own' }, false],
    ['listen(handle)', [{ _handle: {} }], { kind: 'own' }, false],
    ['listen({ handle })', [{ handle: {} }], { kind: 'own' }, false],
    ['listen(70000): out of range reads as any port', [70000], port(0), false],
  ];
  for (const [name, args, request, hasCallback] of cases) {
    it(name, () => {
      const parsed = parseListenArgs(args);
      assert.deepEqual(parsed.request, request);
      assert.equal(parsed.callback !== undefined, hasCallback);
    });
  }

  it('keeps the AbortSignal of listen({ signal })', () => {
    const controller = new AbortController();
    assert.equal(parseListenArgs([{ port: 1, signal: controller.signal }]).signal, controller.signal);
  });
});

describe('claimSocket: the rule', () => {
  const claimed = (socket: HeldAddress | undefined, request: ListenRequest): Claim => ({ socket: socket as HeldAddress, request });
  const gets = (socket: HeldAddress | undefined) => ({ kind: 'socket', socket });
  const BIND = { kind: 'bind' };

  it('one socket: the first listen() gets it, whatever it asked', () => {
    for (const request of [port(3000), port(0), port(8080, '0.0.0.0'), path('/tmp/x.sock')]) assert.deepEqual(claimSocket(ONE, [], request), gets(ONE[0]));
  });

  it('one socket taken: a listen() on another port binds as in plain Node (a metrics port)', () => {
    const claims = [claimed(ONE[0], port(3000))];
    assert.deepEqual(claimSocket(ONE, claims, port(9100)), BIND);
    assert.deepEqual(claimSocket(ONE, claims, port(0)), BIND);
  });

  it('several sockets: by port or path first, else the first free one in config order', () => {
    assert.deepEqual(claimSocket(THREE, [], port(9090)), gets(THREE[1]));
    assert.deepEqual(claimSocket(THREE, [], path('/run/admin.sock')), gets(THREE[2]));
    assert.deepEqual(claimSocket(THREE, [], port(3000)), gets(THREE[0]));
    assert.deepEqual(claimSocket(THREE, [claimed(THREE[0], port(3000))], port(4000)), gets(THREE[1]));
    // of its own kind while there is one: a port never lands on the UNIX socket while a TCP one is free
    const unixFirst = [tcp(0, '/run/admin.sock'), tcp(1, '127.0.0.1:8080')];
    assert.deepEqual(claimSocket(unixFirst, [], port(3000)), gets(unixFirst[1]));
    assert.deepEqual(claimSocket(unixFirst, [], path('/tmp/x.sock')), gets(unixFirst[0]));
    assert.deepEqual(claimSocket(unixFirst, [claimed(unixFirst[1], port(3000))], port(4000)), gets(unixFirst[0]));
    const all = THREE.map((socket) => claimed(socket, port(0)));
    assert.deepEqual(claimSocket(THREE, all, port(3000)), BIND);
  });

  it('a listen() repeating a claim (Fastify\'s second server for ::1) is refused, not given the next socket', () => {
    const claims = [claimed(TWO[0], port(3000, 'localhost'))];
    // Fastify asks the port its first server reports: the socket's own
    assert.deepEqual(claimSocket(TWO, claims, port(8080, '::1')), { kind: 'repeat', socket: TWO[0] });
    assert.deepEqual(claimSocket(TWO, claims, port(3000, '::1')), { kind: 'repeat', socket: TWO[0] });
    assert.deepEqual(claimSocket(ONE, [claimed(ONE[0], port(3000))], port(8080, '::1')), { kind: 'repeat', socket: ONE[0] });
    assert.deepEqual(claimSocket(TWO, claims, port(0)), gets(TWO[1]), 'any port is no repeat');
  });

  it('a UNIX socket: the same path again is refused', () => {
    const unix = [tcp(0, '/run/app.sock')];
    const claims = [claimed(unix[0], path('/tmp/mine.sock'))];
    assert.deepEqual(claimSocket(unix, claims, path('/run/app.sock')), { kind: 'repeat', socket: unix[0] });
    assert.deepEqual(claimSocket(unix, claims, path('/tmp/mine.sock')), { kind: 'repeat', socket: unix[0] });
    assert.deepEqual(claimSocket(unix, claims, path('/tmp/other.sock')), BIND);
  });

  it('a descriptor or handle of the app\'s own is never redirected', () => {
    assert.deepEqual(claimSocket(ONE, [], { kind: 'own' }), BIND);
  });
});

describe('helpers', () => {
  it('portOfWhere reads TCP ports, not paths', () => {
    assert.equal(portOfWhere('127.0.0.1:8080'), 8080);
    assert.equal(portOfWhere('[::1]:8080'), 8080);
    assert.equal(portOfWhere('/run/app.sock'), null);
    assert.equal(portOfWhere('@abstract'), null);
  });

  it('describeRequest says what the app asked', () => {
    assert.equal(describeRequest(port(3000)), ':3000');
    assert.equal(describeRequest(port(3000, '0.0.0.0')), '0.0.0.0:3000');
    assert.equal(describeRequest(path('/tmp/x.sock')), '/tmp/x.sock');
  });
});
