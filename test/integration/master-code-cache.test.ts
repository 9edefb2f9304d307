// The master the emperor starts (dist/src/cli/uw-master.cjs) runs its bundle with the V8 code cache the
// build recorded (src/process/cached-script.ts, scripts/code-cache.mjs): V8 must take it, what the master
// loads on demand must still load, and a cache V8 refuses must change nothing but the time.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, afterEach, test } from 'node:test';
import { BUNDLED_MASTER_BIN } from '../../src/emperor/master-command.js';
import { MASTER_NODE_FLAGS } from '../../src/process/thread-pools.js';
import { get } from '../helpers/http-client.js';
import { APPS } from '../helpers/paths.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { startMaster } from '../helpers/uw-master.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

const CLI = dirname(BUNDLED_MASTER_BIN);
const BODY = join(CLI, 'uw-master-body.cjs');
const CACHE = join(CLI, 'uw-master.v8-cache');

test('V8 takes the cache the build recorded, in a Node started with the flags the emperor gives a master', () => {
  const loader = new URL('../../src/process/cached-script.js', import.meta.url).href;
  const script = `process.stdout.write((await import(${JSON.stringify(loader)})).compileWithCodeCache(${JSON.stringify(BODY)}, ${JSON.stringify(CACHE)}).use)`;
  const use = execFileSync(process.execPath, [...MASTER_NODE_FLAGS, '--input-type=module', '-e', script], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
  assert.equal(use, 'accepted');
});

test('the cached master loads what it needs on demand: js-yaml for a YAML file, the suggestions for a typo', async () => {
  const yaml = dir.write('app.yaml', `uwsgi:\n  http-socket: 127.0.0.1:0\n  module: ${APPS}hello.mjs\n`);
  const { port } = await startMaster([yaml], { bin: BUNDLED_MASTER_BIN });
  assert.equal((await get({ port })).status, 200);
  const typo = new SpawnedCli(BUNDLED_MASTER_BIN, [dir.write('typo.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nproceses = 2\nmodule = ${APPS}hello.mjs\n`)]);
  assert.equal((await typo.exited).code, 2);
  assert.match(typo.stderr, /unknown option "proceses" \(did you mean "processes"\?\)/);
});

test('a master whose cache V8 refuses compiles its bundle and serves', async () => {
  // a copy of the master beside the real worker bundle, with a cache that is not one
  const cli = join(dir.path, 'src', 'cli');
  mkdirSync(cli, { recursive: true });
  symlinkSync(join(CLI, '..', 'worker'), join(dir.path, 'src', 'worker'));
  for (const name of ['uw-master.cjs', 'uw-master-body.cjs']) copyFileSync(join(CLI, name), join(cli, name));
  writeFileSync(join(cli, 'uw-master.v8-cache'), Buffer.alloc(300_000, 7));
  const { port } = await startMaster(['--http-socket', '127.0.0.1:0', '--module', `${APPS}hello.mjs`, '--processes', '2'], { bin: join(cli, 'uw-master.cjs') });
  assert.match((await get({ port })).body, /^hello \d+/);
});
