// Option kinds: text in, typed value (or undefined) out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressKey, parseAddress } from '../../src/config/addresses.js';
import { boolean, boundedInt, octalMode, processCount, secondsToMs, signalName } from '../../src/config/convert.js';
import { deepFreeze } from '../../src/config/deep-freeze.js';
import { findEntry, lookupId, lookupUser } from '../../src/config/lookup-ids.js';
import { nodeHost, type ConfigHost } from '../../src/config/host.js';

describe('converters', () => {
  it('boundedInt and processCount', () => {
    assert.equal(processCount.convert('4'), 4);
    assert.equal(processCount.convert('+2'), 2);
    assert.equal(processCount.convert('1024'), 1024);
    for (const bad of ['0', '-1', 'four', '1.5', '', '1025', '100000', '99999999999999999999']) assert.equal(processCount.convert(bad), undefined, bad);
    assert.match(processCount.expected, /^an integer from 1 to 1024 \(each worker is a whole process/);
    assert.equal(boundedInt(2, 3, 'why').expected, 'an integer from 2 to 3 (why)');
  });

  it('secondsToMs takes fractions and refuses what setTimeout cannot wait', () => {
    assert.equal(secondsToMs.convert('60'), 60_000);
    assert.equal(secondsToMs.convert('0.25'), 250);
    assert.equal(secondsToMs.convert('.5'), 500);
    assert.equal(secondsToMs.convert('0'), 0);
    for (const bad of ['-1', '1s', '', '1e3', '3000000']) assert.equal(secondsToMs.convert(bad), undefined, bad);
  });

  it('signalName takes SIGTERM, TERM, term or a number', () => {
    assert.equal(signalName.convert('SIGTERM'), 'SIGTERM');
    assert.equal(signalName.convert('int'), 'SIGINT');
    assert.equal(signalName.convert('15'), 'SIGTERM');
    assert.equal(signalName.convert('6'), 'SIGABRT');
    for (const bad of ['SIGNOPE', '0', '999', '']) assert.equal(signalName.convert(bad), undefined, bad);
  });

  it('octalMode', () => {
    assert.equal(octalMode.convert('660'), 0o660);
    assert.equal(octalMode.convert('0660'), 0o660);
    for (const bad of ['66', '680', '07777x', 'rw']) assert.equal(octalMode.convert(bad), undefined, bad);
  });

  it('boolean is case-insensitive', () => {
    for (const yes of ['true', 'YES', 'On', '1']) assert.equal(boolean.convert(yes), true, yes);
    for (const no of ['false', 'No', 'OFF', '0']) assert.equal(boolean.convert(no), false, no);
    assert.equal(boolean.convert('maybe'), undefined);
  });
});

describe('parseAddress', () => {
  const ok = (text: string): unknown => {
    const result = parseAddress(text, '/srv');
    assert.ok(result.ok, text);
    return result.address;
  };

  it('reads :port as loopback and keeps explicit hosts', () => {
    assert.deepEqual(ok(':8080'), { type: 'tcp', host: '127.0.0.1', port: 8080 });
    assert.deepEqual(ok('0.0.0.0:0'), { type: 'tcp', host: '0.0.0.0', port: 0 });
    assert.deepEqual(ok('localhost:65535'), { type: 'tcp', host: 'localhost', port: 65535 });
    assert.deepEqual(ok('[::1]:9000'), { type: 'tcp', host: '::1', port: 9000 });
  });

  it('reads anything with a slash as a socket path against cwd', () => {
    assert.deepEqual(ok('run/app.sock'), { type: 'unix', path: '/srv/run/app.sock' });
    assert.deepEqual(ok('/tmp/a.sock'), { type: 'unix', path: '/tmp/a.sock' });
  });

  it('refuses the rest', () => {
    for (const bad of ['localhost', '::1:80', '[nope]:80', 'a b:80', ':', '', '123456']) {
      assert.deepEqual(parseAddress(bad, '/srv'), { ok: false, expected: 'host:port, :port or a socket path' }, bad);
    }
    // a bare port, and a port past 65535, say so
    assert.deepEqual(parseAddress('8080', '/srv'), { ok: false, expected: 'host:port, :port or a socket path (":8080" is port 8080 on 127.0.0.1)' });
    for (const bad of [':65536', '127.0.0.1:99999']) {
      assert.deepEqual(parseAddress(bad, '/srv'), { ok: false, expected: 'host:port, :port or a socket path, with a port from 0 to 65535' }, bad);
    }
    const long = parseAddress(`/tmp/${'x'.repeat(120)}.sock`, '/');
    assert.ok(!long.ok && long.expected.includes('107 bytes'));
  });

  it('gives one key per real address, none for port 0', () => {
    assert.equal(addressKey({ type: 'tcp', host: '127.0.0.1', port: 80 }), 'tcp:127.0.0.1:80');
    assert.equal(addressKey({ type: 'tcp', host: '127.0.0.1', port: 0 }), undefined);
    assert.equal(addressKey({ type: 'unix', path: '/a' }), 'unix:/a');
  });
});

describe('user and group ids', () => {
  const passwd = 'root:x:0:0:root:/root:/bin/sh\n# odd line\nweb:x:33:34::/var/www:/bin/false\n';
  const group = 'root:x:0:\nwww:x:34:web\n';
  const asked: string[] = [];
  const host: ConfigHost = {
    ...nodeHost,
    getent: (database, key) => {
      asked.push(`${database} ${key}`);
      return Promise.resolve(findEntry(database === 'passwd' ? passwd : group, key));
    },
  };

  it('finds names and ids in passwd/group text', () => {
    assert.equal(findEntry(passwd, 'web'), 'web:x:33:34::/var/www:/bin/false');
    assert.equal(findEntry(passwd, '33'), 'web:x:33:34::/var/www:/bin/false');
    assert.equal(findEntry(passwd, 'nobody'), undefined);
  });

  it('asks the system (getent) for names and numbers; a user gives its primary group', async () => {
    assert.deepEqual(await lookupUser('web', host), { uid: 33, gid: 34, name: 'web' });
    assert.deepEqual(await lookupUser('33', host), { uid: 33, gid: 34, name: 'web' });
    assert.deepEqual(await lookupUser('1000', host), { uid: 1000 }, 'a number without an entry');
    assert.equal(await lookupUser('ghost', host), undefined);
    assert.equal(await lookupId('group', 'www', host), 34);
    assert.equal(await lookupId('group', 'web', host), undefined);
    assert.equal(await lookupId('user', '4294967295', host), undefined);
    assert.ok(asked.includes('passwd web') && asked.includes('group www'));
  });

  it('resolves names through NSS on this machine', async () => {
    assert.deepEqual(await lookupUser('root', nodeHost), { uid: 0, gid: 0, name: 'root' });
    assert.equal(await lookupId('group', 'root', nodeHost), 0);
  });
});

describe('deepFreeze', () => {
  it('freezes nested objects and arrays', () => {
    const value = deepFreeze({ a: [{ b: 1 }], c: { d: 'x' } });
    assert.ok(Object.isFrozen(value.a) && Object.isFrozen(value.a[0]) && Object.isFrozen(value.c));
  });
});
