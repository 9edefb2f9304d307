// Bad input through the real `uw`: one line on stderr, exit 2, no worker; an
// included file is named with its chain and never quoted; every unknown
// option at once; and `--vacuum false` is a value, not a config file.
import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { APPS, UW_BIN, PYTHON } from '../helpers/paths.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { startMaster } from '../helpers/uw-master.js';
import { waitFor } from '../helpers/wait-for.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());
const HEAD = `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\n`;
const SECRET = 'Zk9-s3cret-hash';

/** Run uw to its exit; its one stderr line, after checking exit 2 and that no worker started. */
async function failure(args: string[]): Promise<string> {
  const cli = new SpawnedCli(UW_BIN, args, { cwd: dir.path });
  // a deadline: before the bound, processes = 100000 never exited (it spawned workers)
  await waitFor('uw to exit', () => (cli.child.exitCode === null && cli.child.signalCode === null ? undefined : true), 15_000);
  const exit = await cli.exited;
  assert.equal(exit.code, 2, `exit ${exit.code}, stderr: ${cli.stderr}`);
  const lines = cli.stderr.trim().split('\n');
  assert.equal(lines.length, 1, cli.stderr);
  assert.equal(cli.find('worker spawned').length, 0);
  assert.ok(!cli.stdout.includes(SECRET) && !cli.stderr.includes(SECRET), 'a secret reached the log');
  return lines[0] ?? '';
}

describe('bad input, real uw', () => {
  it('processes = 100000 is refused with the limit and why', async () => {
    const file = dir.write('many.ini', `${HEAD}processes = 100000\n`);
    assert.equal(
      await failure([file]),
      `uw: config error in ${file}: option "processes": expected an integer from 1 to 1024 (each worker is a whole process; more is surely a typo), got "100000" [UW_CONFIG_INVALID_VALUE]`,
    );
  });

  it('an error in an included file names the vassal file and the chain', async () => {
    dir.write('base.ini', '[uwsgi]\nini = parts.ini\n');
    dir.write('parts.ini', '[uwsgi]\nlisten = lots\n');
    const file = dir.write('chain.ini', `${HEAD}inherit = base.ini\n`);
    assert.equal(
      await failure([file]),
      `uw: config error in ${file} -> base.ini -> parts.ini: option "listen": expected an integer from 1 to 65535 (the kernel caps it at net.core.somaxconn), got <value at line 2, not shown> [UW_CONFIG_INVALID_VALUE]`,
    );
  });

  it('json = a shadow-like file never shows its content', async () => {
    const shadow = dir.write('shadow', `root:$6$${SECRET}:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n`);
    const file = dir.write('shadow.ini', `${HEAD}json = ${shadow}\n`);
    const line = await failure([file]);
    assert.ok(!line.includes('root:') && !line.includes('$6$'), `the start of the file was quoted: ${line}`);
    assert.equal(line, `uw: config error in ${file} -> shadow: JSON syntax error (an included file is never quoted) [UW_CONFIG_SYNTAX]`);
  });

  it('every unknown option of a file at once, uWSGI ones named as such', async () => {
    const file = dir.write('unknown.ini', `${HEAD}procesess = 2\nreuse-port = 1\nthreads = 4\nmy-thing = 1\n`);
    assert.equal(
      await failure([file]),
      `uw: config error in ${file}: unknown options "procesess" (did you mean "processes"?), "my-thing"; uWSGI options "reuse-port", "threads" are not supported by uw [UW_CONFIG_UNKNOWN_OPTION]`,
    );
  });

  it('--vacuum false and --exec-notify false take their value', async () => {
    const file = dir.write('vacuum.ini', HEAD);
    const { cli } = await startMaster(['--vacuum', 'false', file, '--die-on-term', 'true'], { cwd: dir.path });
    assert.ok(cli.find('master ready').length === 1);
    const exec = dir.write('exec.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nexec = ${PYTHON} ${APPS}server.py\nexec-ready-after = 0.1\n`);
    const second = await startMaster([exec, '--exec-notify', 'false'], { cwd: dir.path });
    assert.ok(second.cli.find('master ready').length === 1);
  });
});
