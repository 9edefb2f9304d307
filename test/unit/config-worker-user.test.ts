// As root, the paths a worker needs are checked as the workers' user: a chdir
// it cannot enter or an exec program it cannot run is one UW_CONFIG_PERMISSION
// line naming the path and the user; uid alone takes the user's primary group.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { describeError, UwError } from '../../src/errors.js';
import { APPS } from '../helpers/paths.js';
import { TempDir } from '../helpers/temp-dir.js';

const dir = new TempDir();
after(() => dir.remove());
const root = process.getuid?.() === 0;

async function load(text: string): Promise<unknown> {
  const file = dir.write('vassal.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\n${text}`);
  return loadConfig({ sources: [{ kind: 'file', path: file }], cwd: dir.path, env: { PATH: '/usr/bin:/bin' } });
}

async function permissionError(text: string): Promise<string> {
  try {
    await load(text);
  } catch (err) {
    assert.ok(err instanceof UwError && err.code === 'UW_CONFIG_PERMISSION', String(err));
    return describeError(err);
  }
  assert.fail('loaded');
}

describe('the workers\' user and its paths', { skip: !root && 'needs root' }, () => {
  chmodSync(dir.path, 0o755);
  const closed = dir.file('closed');
  mkdirSync(closed, { mode: 0o700 });
  writeFileSync(`${closed}/prog.sh`, '#!/bin/sh\nexec sleep 1\n', { mode: 0o755 });
  const USER = 'user "nobody" (uid 65534)';

  it('uid alone: the user\'s primary group, and its groups initialised', async () => {
    // an exec app: a module would need uw's own worker entry readable by nobody, and the checkout may lie under /root
    const config = await load(`exec = sleep 1\nuid = nobody\n`);
    assert.deepEqual(config, { ...(config as object), uid: 65534, gid: 65534, initGroups: true });
  });

  it('a chdir the user cannot enter', async () => {
    const line = await permissionError(`module = ${APPS}hello.mjs\nuid = nobody\nchdir = ${closed}\n`);
    assert.ok(line.endsWith(`vassal.ini: option "chdir": the workers' ${USER} cannot enter the directory ${closed} [UW_CONFIG_PERMISSION]`), line);
  });

  it('an exec program the user cannot run', async () => {
    const line = await permissionError(`exec = ${closed}/prog.sh --flag\nuid = nobody\n`);
    assert.ok(line.endsWith(`vassal.ini: option "exec": the workers' ${USER} cannot execute ${closed}/prog.sh [UW_CONFIG_PERMISSION]`), line);
  });

  it('a path from an included file is not shown, only where it was set', async () => {
    const part = dir.write('part.ini', `[uwsgi]\nchdir = ${closed}\n`);
    const line = await permissionError(`module = ${APPS}hello.mjs\nuid = nobody\nini = ${part}\n`);
    assert.ok(!line.includes(closed), line);
    assert.match(line, /the workers' user "nobody" \(uid 65534\) cannot enter the directory <value at line 2, not shown>/);
  });

  it('no check without uid: root runs them', async () => {
    await load(`exec = ${closed}/prog.sh\nchdir = ${closed}\n`);
  });
});
