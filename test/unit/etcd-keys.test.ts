// Pure parts of the etcd source: the etcd:// spec, what a key means, the options.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UwError } from '../../src/errors.js';
import { buildEmperorSettings } from '../../src/emperor/emperor-settings.js';
import { parseEtcdTarget } from '../../src/emperor/etcd/etcd-target.js';
import { isCachedVassal, meaningOf, statusPathOf, vassalOfStatusPath } from '../../src/emperor/etcd/key-layout.js';

const usage = (err: unknown) => err instanceof UwError && err.code === 'UW_USAGE';
const option = (name: string, value: string) => ({ name, value, file: undefined, base: '/cwd' }) as Parameters<typeof buildEmperorSettings>[0][number];

describe('etcd:// targets', () => {
  it('reads members (default port 2379) and the prefix', () => {
    assert.deepEqual({ ...parseEtcdTarget('etcd://10.0.0.1,etcd-b:2381,[::1]:2379/uw/prod/') }, {
      spec: 'etcd://10.0.0.1,etcd-b:2381,[::1]:2379/uw/prod/',
      endpoints: ['10.0.0.1:2379', 'etcd-b:2381', '[::1]:2379'],
      prefix: '/uw/prod',
    });
  });

  it('refuses a missing prefix, a `..` segment, a bad host or port', () => {
    for (const spec of ['etcd://h:2379', 'etcd://h:2379/', 'etcd://h/uw/../x', 'etcd://h:99999/uw', 'etcd://h:2379,/uw', 'etcd://h a/uw']) {
      assert.throws(() => parseEtcdTarget(spec), usage, spec);
    }
  });
});

describe('what a key under the prefix means', () => {
  it('vassals, this host\'s pinned vassals and includes have a cache path; the rest is not the source\'s', () => {
    assert.deepEqual(meaningOf('/uw', 'h1', '/uw/vassals/app.ini'), { kind: 'vassal', path: 'vassals/app.ini', name: 'app.ini', pinned: false });
    assert.deepEqual(meaningOf('/uw', 'h1', '/uw/hosts/h1/vassals/a.yaml'), { kind: 'vassal', path: 'hosts/h1/vassals/a.yaml', name: 'a.yaml', pinned: true });
    assert.deepEqual(meaningOf('/uw', 'h1', '/uw/include/base.inc'), { kind: 'include', path: 'include/base.inc' });
    for (const key of ['/uw/hosts/h2/vassals/a.ini', '/uw/members/h1', '/uw/status/h1/app.ini', '/uwx/vassals/a.ini', '/other/vassals/a.ini']) {
      assert.deepEqual(meaningOf('/uw', 'h1', key), { kind: 'other' }, key);
    }
  });

  it('a name with `/`, `..`, a leading dot or an unknown extension is bad, and never a cache path', () => {
    for (const name of ['a/b.ini', '..ini', '../x.ini', '.hidden.ini', 'notes.txt', '', 'a b.ini']) {
      assert.equal(meaningOf('/uw', 'h1', `/uw/vassals/${name}`).kind, 'bad', name);
    }
    assert.equal(meaningOf('/uw', 'h1', '/uw/include/../x').kind, 'bad');
  });

  it('the emperor\'s target matches exactly the vassal files of this host in the cache', () => {
    assert.ok(isCachedVassal('h1', 'vassals/app.ini'));
    assert.ok(isCachedVassal('h1', 'hosts/h1/vassals/app.json'));
    for (const path of ['include/base.ini', 'hosts/h2/vassals/app.ini', 'vassals/sub/app.ini', 'vassals/.app.ini.tmp', 'app.ini']) assert.ok(!isCachedVassal('h1', path), path);
  });
});

describe('etcd options', () => {
  it('keeps etcd:// targets as written and resolves directories', () => {
    const settings = buildEmperorSettings([option('emperor', 'etcd://h:2379/uw'), option('emperor', 'vassals'), option('host-id', 'web-1'), option('etcd-cache', 'c')]);
    assert.deepEqual(settings.targets, ['etcd://h:2379/uw', '/cwd/vassals']);
    assert.equal(settings.etcd.hostId, 'web-1');
    assert.equal(settings.etcd.cache, '/cwd/c');
  });

  it('refuses a host id that cannot be a key segment, and a certificate without its key', () => {
    assert.throws(() => buildEmperorSettings([option('emperor', 'd'), option('host-id', 'a/b')]), usage);
    assert.throws(() => buildEmperorSettings([option('emperor', 'd'), option('host-id', '.x')]), usage);
    assert.throws(() => buildEmperorSettings([option('emperor', 'd'), option('etcd-cert', 'c.pem')]), usage);
  });
});

describe('status keys', () => {
  it('a placed and a pinned vassal of one name get two status paths, read back by ls --cluster', () => {
    assert.equal(statusPathOf('h1', 'vassals/app.ini'), 'vassals/app.ini');
    assert.equal(statusPathOf('h1', 'hosts/h1/vassals/app.ini'), 'hosts/h1/vassals/app.ini');
    assert.equal(statusPathOf('h1', 'etcd-uw-h1/hosts/h1/vassals/app.ini'), 'hosts/h1/vassals/app.ini', 'an id below a common root');
    assert.equal(statusPathOf('h1', 'etcd-uw-h1/vassals/app.ini'), 'vassals/app.ini');
    assert.equal(vassalOfStatusPath('h1', 'vassals/app.ini'), 'app.ini');
    assert.equal(vassalOfStatusPath('h1', 'hosts/h1/vassals/app.ini'), 'hosts/h1/vassals/app.ini');
    for (const bad of ['app.ini', 'hosts/h2/vassals/app.ini', 'vassals/a/b.ini', 'vassals/.x.ini', 'vassals/a\u001b[1m.ini', 'vassals/app.txt']) {
      assert.equal(vassalOfStatusPath('h1', bad), null, bad);
    }
  });
});
