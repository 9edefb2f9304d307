// Bad input never starts a worker: one line naming the file, the key and the
// problem, and exit code 2 (75 for a transient error such as a port in use).
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { APPS, UW_BIN } from '../helpers/paths.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

function failsWith(args: string[], ...patterns: RegExp[]): Promise<void> {
  return exitsWith(2, args, ...patterns);
}

/** 2 for an error in the file, 75 for a transient one (the emperor retries it). */
async function exitsWith(code: number, args: string[], ...patterns: RegExp[]): Promise<void> {
  const cli = new SpawnedCli(UW_BIN, args);
  const exit = await cli.exited;
  assert.equal(exit.code, code, `exit ${exit.code}, stderr: ${cli.stderr}`);
  const lines = cli.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line, got: ${cli.stderr}`);
  for (const pattern of patterns) assert.match(lines[0] ?? '', pattern);
  assert.equal(cli.find('worker spawned').length, 0, 'no worker may start');
}

describe('bad config', () => {
  it('names an unknown option and the nearest known one', async () => {
    const file = dir.write('typo.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\nprocesess = 2\n`);
    await failsWith([file], /typo\.ini/, /"procesess"/, /did you mean "processes"/);
  });

  it('names a value of the wrong type, what was expected and what was found', async () => {
    const file = dir.write('type.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\nprocesses = four\n`);
    await failsWith([file], /type\.ini/, /"processes"/, /integer/, /"four"/);
  });

  it('names a missing module file', async () => {
    const file = dir.write('missing.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${dir.path}/nope.mjs\n`);
    await failsWith([file], /missing\.ini/, /module/, /nope\.mjs/);
  });

  it('names a missing exec program', async () => {
    const file = dir.write('noprog.yaml', `uwsgi:\n  http-socket: 127.0.0.1:0\n  exec: pythn3-not-here server.py\n`);
    await failsWith([file], /noprog\.yaml/, /exec/, /pythn3-not-here/);
  });

  it('names a port already in use', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const file = dir.write('inuse.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${APPS}hello.mjs\n`);
      await exitsWith(75, [file], /inuse\.ini/, /http-socket/, /already in use/, new RegExp(`127\\.0\\.0\\.1:${port}`), /UW_SOCKET_IN_USE/);
    } finally {
      server.close();
    }
  });

  it('names an unreadable file', async () => {
    await failsWith([dir.file('absent.ini')], /absent\.ini/, /cannot be read|ENOENT|no such file/i);
  });

  it('names a syntax error', async () => {
    const file = dir.write('broken.yaml', 'uwsgi:\n  http-socket: [127.0.0.1:0\n  module: x\n');
    await failsWith([file], /broken\.yaml/);
  });

  it('names an unknown option given on the command line', async () => {
    await failsWith(['--http-socket', '127.0.0.1:0', '--module', `${APPS}hello.mjs`, '--procesess', '2'], /command line/, /did you mean "processes"/);
  });
});
