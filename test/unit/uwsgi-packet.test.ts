// The uwsgi packet parser (src/worker/uwsgi-packet.ts) and the request head
// built from its vars (uwsgi-head.ts): exact layouts, every malformed shape,
// and random bytes that never make either throw.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { headersOf, headOf, type UwsgiHead } from '../../src/worker/uwsgi-head.js';
import { readPacket, type PacketRead } from '../../src/worker/uwsgi-packet.js';
import { uwsgiPacket } from '../helpers/uwsgi-client.js';

const MAX = 4096;
const packetOf = (read: PacketRead) => {
  if (read.kind !== 'packet') assert.fail(`expected a packet, got ${JSON.stringify(read)}`);
  return read.packet;
};
const reasonOf = (read: PacketRead): string => {
  if (read.kind !== 'malformed') assert.fail(`expected malformed, got ${JSON.stringify(read)}`);
  return read.reason;
};
const head = (vars: Record<string, string>): UwsgiHead => {
  const result = headOf(Object.entries(vars));
  if (typeof result === 'string') assert.fail(result);
  return result;
};

describe('readPacket', () => {
  it('reads the header (modifier1, LE datasize, modifier2) and the vars in order, values possibly empty', () => {
    const bytes = Buffer.concat([uwsgiPacket({ REQUEST_METHOD: 'GET', QUERY_STRING: '', HTTP_X_A: 'é' }, 5), Buffer.from('body')]);
    bytes[3] = 9;
    const packet = packetOf(readPacket(bytes, MAX));
    assert.equal(packet.modifier1, 5);
    assert.equal(packet.modifier2, 9);
    assert.deepEqual(packet.vars, [['REQUEST_METHOD', 'GET'], ['QUERY_STRING', ''], ['HTTP_X_A', 'é']]);
    assert.equal(bytes.subarray(packet.size).toString(), 'body');
  });

  it('reads a datasize over 255 little-endian, and an empty packet', () => {
    const long = 'x'.repeat(300);
    assert.equal(packetOf(readPacket(uwsgiPacket({ K: long }), MAX)).vars[0]?.[1], long);
    assert.deepEqual(packetOf(readPacket(Buffer.from([0, 0, 0, 0]), MAX)), { modifier1: 0, modifier2: 0, vars: [], size: 4 });
  });

  it('waits for the rest of a cut packet, at every cut', () => {
    const bytes = uwsgiPacket({ REQUEST_METHOD: 'POST', REQUEST_URI: '/a?b=c' });
    for (let cut = 0; cut < bytes.length; cut += 1) assert.deepEqual(readPacket(bytes.subarray(0, cut), MAX), { kind: 'incomplete' }, `cut at ${cut}`);
  });

  it('refuses a datasize over buffer-size from the header alone', () => {
    assert.match(reasonOf(readPacket(Buffer.from([0, 0x01, 0x10, 0]), MAX)), /datasize 4097 is over buffer-size 4096/);
    assert.equal(readPacket(Buffer.from([0, 0x00, 0x10, 0]), MAX).kind, 'incomplete');
  });

  it('refuses vars that overrun the packet, an empty key, and a key with no value length', () => {
    const withData = (data: number[]) => Buffer.from([0, data.length, 0, 0, ...data]);
    assert.match(reasonOf(readPacket(withData([5, 0, 65, 66]), MAX)), /key of 5 bytes .* runs past/);
    assert.match(reasonOf(readPacket(withData([1, 0, 65, 9, 0, 66]), MAX)), /value of 9 bytes .* runs past/);
    assert.match(reasonOf(readPacket(withData([0, 0, 1, 0, 66]), MAX)), /an empty key/);
    assert.match(reasonOf(readPacket(withData([1, 0, 65]), MAX)), /runs past/);
    assert.match(reasonOf(readPacket(withData([1]), MAX)), /key length cut/);
  });

  it('never throws on random bytes, and a packet it reads lies within them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 1, max: 65535 }), (bytes, max) => {
        const read = readPacket(bytes, max);
        if (read.kind === 'packet') assert.ok(read.packet.size <= bytes.length && read.packet.size - 4 <= max);
        if (read.kind === 'packet') assert.ok(headOf(read.packet.vars) !== undefined);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on random vars behind a header whose datasize fits them, and reads only within datasize', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 8 }), (data, trailing) => {
        const bytes = Buffer.concat([Buffer.from([0, data.length & 0xff, data.length >> 8, 0]), data, trailing]);
        const read = readPacket(bytes, MAX);
        assert.notEqual(read.kind, 'incomplete');
        if (read.kind !== 'packet') return;
        assert.equal(read.packet.size, 4 + data.length);
        const inVars = read.packet.vars.reduce((sum, [key, value]) => sum + 4 + key.length + value.length, 0);
        assert.equal(inVars, data.length, 'the vars are exactly the datasize bytes');
        headOf(read.packet.vars);
      }),
      { numRuns: 5000 },
    );
  });

  it('never throws on well-framed packets of random vars, and reads back what was written', () => {
    const text = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 40 });
    fc.assert(
      fc.property(fc.dictionary(text.filter((k) => k !== ''), text, { maxKeys: 20 }), (vars) => {
        const packet = packetOf(readPacket(uwsgiPacket(vars), 65535));
        assert.deepEqual(packet.vars, Object.entries(vars));
        const result = headOf(packet.vars);
        if (typeof result !== 'string') assert.ok(Number.isSafeInteger(result.contentLength) && result.contentLength >= 0);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('headOf: CGI vars as a node:http request head', () => {
  it('takes method, REQUEST_URI, version, HTTP_* headers, client address and HTTPS', () => {
    const h = head({ REQUEST_METHOD: 'PUT', REQUEST_URI: '/a%20b?x=1', PATH_INFO: '/a b', QUERY_STRING: 'x=1', SERVER_PROTOCOL: 'HTTP/1.0', HTTP_HOST: 'h.test', HTTP_X_FORWARDED_FOR: '10.0.0.1', REMOTE_ADDR: '203.0.113.9', REMOTE_PORT: '4000', HTTPS: 'on' });
    assert.deepEqual(h, { method: 'PUT', url: '/a%20b?x=1', httpVersionMajor: 1, httpVersionMinor: 0, rawHeaders: ['Host', 'h.test', 'X-Forwarded-For', '10.0.0.1'], contentLength: 0, remoteAddress: '203.0.113.9', remotePort: 4000, encrypted: true });
  });

  it('builds the URL from SCRIPT_NAME, PATH_INFO and QUERY_STRING without REQUEST_URI, and the Host from SERVER_NAME', () => {
    const h = head({ SCRIPT_NAME: '/app', PATH_INFO: '/x', QUERY_STRING: 'q=1', SERVER_NAME: 's.test', SERVER_PORT: '8080' });
    assert.equal(h.method, 'GET');
    assert.equal(h.url, '/app/x?q=1');
    assert.deepEqual(h.rawHeaders, ['Host', 's.test:8080']);
    assert.equal(head({}).url, '/');
  });

  it('uses CONTENT_LENGTH and CONTENT_TYPE once, over nginx\'s HTTP_CONTENT_* copies, and drops Transfer-Encoding', () => {
    const h = head({ CONTENT_TYPE: 'text/plain', CONTENT_LENGTH: '0012', HTTP_CONTENT_TYPE: 'text/plain', HTTP_CONTENT_LENGTH: '12', HTTP_TRANSFER_ENCODING: 'chunked' });
    assert.equal(h.contentLength, 12);
    assert.deepEqual(h.rawHeaders, ['Content-Type', 'text/plain', 'Content-Length', '12']);
    assert.deepEqual(head({ CONTENT_TYPE: '', CONTENT_LENGTH: '' }).rawHeaders, [], 'nginx sends them empty for a GET');
    assert.deepEqual(head({ HTTP_CONTENT_TYPE: 'a/b' }).rawHeaders, ['Content-Type', 'a/b']);
  });

  it('refuses a CONTENT_LENGTH that is no length', () => {
    for (const bad of ['-1', '1e3', ' 5', '12a', '9'.repeat(16)]) assert.match(JSON.stringify(headOf([['CONTENT_LENGTH', bad]])), /CONTENT_LENGTH is not a length/, bad);
  });

  it('refuses what node:http\'s parser would: a method that is no token, a URI with a space or control, a header with CR, LF or NUL', () => {
    const refused = (vars: [string, string][]): boolean => typeof headOf(vars) === 'string';
    assert.ok(refused([['REQUEST_METHOD', 'GE T']]));
    assert.ok(refused([['REQUEST_URI', '/a b']]));
    assert.ok(refused([['REQUEST_URI', '/a\r\nX: y']]));
    assert.ok(refused([['PATH_INFO', '/a\u0000']]));
    assert.ok(refused([['HTTP_X_A', 'v\r\nSet-Cookie: s=1']]));
    assert.ok(refused([['HTTP_X A', 'v']]));
    assert.ok(!refused([['REQUEST_METHOD', 'PATCH'], ['REQUEST_URI', '/caf%C3%A9?q=1'], ['HTTP_X_A', 'é, "quoted"\tvalue']]));
  });

  it('joins repeated headers as node:http does: set-cookie a list, cookie with "; ", others with ", "', () => {
    assert.deepEqual(headersOf(['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'Cookie', 'x=1', 'Cookie', 'y=2', 'Accept', 'a', 'Accept', 'b', 'Constructor', 'c']), {
      'set-cookie': ['a=1', 'b=2'],
      cookie: 'x=1; y=2',
      accept: 'a, b',
      constructor: 'c',
    });
  });
});
