// The tyrant master's account from the account databases (given as text): the
// gid rule for files in setgid directories, and the allow-listed environment.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ownerAccount, type AccountLookup } from '../../src/emperor/tyrant-account.js';
import { tyrantEnv } from '../../src/emperor/tyrant-env.js';

const PASSWD = ['alice:x:1001:1001::/home/alice:/bin/bash', 'bob:x:1002:1002::/srv/bob:/usr/sbin/nologin', 'wheel:x:1003:0::/home/wheel:/bin/sh'];
const GROUP = ['alice:x:1001:', 'bob:x:1002:', 'shared:x:2000:carol,alice', 'web:x:2001:'];
const lookup: AccountLookup = (database, key) => (database === 'passwd' ? PASSWD : GROUP).find((line) => line.split(':')[2] === key);

describe('tyrant account', () => {
  test('the file\'s group when it is the owner\'s primary group or the owner is a member', () => {
    assert.equal((ownerAccount({ uid: 1001, gid: 1001 }, lookup) as { gid: number }).gid, 1001);
    assert.equal((ownerAccount({ uid: 1001, gid: 2000 }, lookup) as { gid: number }).gid, 2000);
  });

  test('a group the owner does not belong to (a setgid directory\'s), or an unknown one: the owner\'s primary group', () => {
    assert.equal((ownerAccount({ uid: 1002, gid: 2000 }, lookup) as { gid: number }).gid, 1002);
    assert.equal((ownerAccount({ uid: 1002, gid: 2001 }, lookup) as { gid: number }).gid, 1002);
    assert.equal((ownerAccount({ uid: 1002, gid: 4242 }, lookup) as { gid: number }).gid, 1002);
  });

  test('an owner whose primary group is 0 (the file\'s group is not, or one it does not belong to): refused unless tyrant-allow-root', () => {
    assert.match((ownerAccount({ uid: 1003, gid: 2001 }, lookup) as { reason: string }).reason, /wheel \(uid 1003\) has group 0 as its primary group: .*tyrant-allow-root/);
    assert.match((ownerAccount({ uid: 1003, gid: 1003 }, lookup) as { reason: string }).reason, /group 0/);
    assert.equal((ownerAccount({ uid: 1003, gid: 2001 }, lookup, true) as { gid: number }).gid, 0);
  });

  test('name, home and shell from passwd; no entry: one line why', () => {
    assert.deepEqual(ownerAccount({ uid: 1002, gid: 1002 }, lookup), { name: 'bob', uid: 1002, gid: 1002, home: '/srv/bob', shell: '/usr/sbin/nologin' });
    assert.match((ownerAccount({ uid: 3000, gid: 3000 }, lookup) as { reason: string }).reason, /uid 3000 has no passwd entry \(getent passwd 3000\)/);
  });

  test('the environment keeps only the allow-list, and the account\'s HOME, USER, LOGNAME and SHELL', () => {
    const env = tyrantEnv(
      { PATH: '/usr/bin', HOME: '/root', USER: 'root', SECRET: 's', SSH_AUTH_SOCK: '/tmp/a', NODE_OPTIONS: '--require /root/x.js', LANG: 'C.UTF-8', LC_TIME: 'C', TZ: 'UTC', NODE_EXTRA_CA_CERTS: '/ca.pem', UW_LOG_LEVEL: 'debug', UW_TYRANT: '1' },
      { name: 'bob', home: '/srv/bob', shell: '/usr/sbin/nologin' },
    );
    assert.deepEqual(env, { PATH: '/usr/bin', LANG: 'C.UTF-8', LC_TIME: 'C', TZ: 'UTC', NODE_EXTRA_CA_CERTS: '/ca.pem', UW_LOG_LEVEL: 'debug', HOME: '/srv/bob', USER: 'bob', LOGNAME: 'bob', SHELL: '/usr/sbin/nologin' });
    assert.equal(tyrantEnv({}, { name: 'bob', home: '/', shell: '/bin/sh' }).PATH, '/usr/local/bin:/usr/bin:/bin');
  });
});
