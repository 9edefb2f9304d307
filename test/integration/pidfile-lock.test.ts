// One process per pidfile: a second uwemperor (or uw) on the same pidfile is
// refused with one line naming the pidfile and the PID holding it, starts
// nothing, and leaves the first one's pidfile alone; the first removes it on exit.
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { freePort } from '../helpers/free-port.js';
import { APPS, EMPEROR_BIN, UW_BIN } from '../helpers/paths.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { startMaster } from '../helpers/uw-master.js';
import { waitFor } from '../helpers/wait-for.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

async function exitOf(cli: SpawnedCli, timeoutMs = 15_000): Promise<number | null> {
  await waitFor(`${cli.pid} to exit`, () => (cli.child.exitCode !== null || cli.child.signalCode !== null ? true : undefined), timeoutMs);
  return cli.child.exitCode;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('one process per pidfile', () => {
  it('a second emperor on the same pidfile is refused; the first keeps its pidfile and removes it on exit', async () => {
    const pidfile = dir.file('emperor.pid');
    mkdirSync(dir.file('vassals'));
    dir.write('vassals/app.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:${await freePort()}\nmodule = ${APPS}hello.mjs\n`);
    const first = new SpawnedCli(EMPEROR_BIN, ['--pidfile', pidfile, dir.file('vassals')]);
    await first.waitForLog('vassal state', { vassal: 'app.ini', to: 'ready' });
    assert.equal(readFileSync(pidfile, 'utf8'), `${first.pid}\n`);

    const second = new SpawnedCli(EMPEROR_BIN, ['--pidfile', pidfile, dir.file('vassals')]);
    const code = await exitOf(second);
    assert.notEqual(code, 0);
    assert.match(second.stderr, new RegExp(`^uwemperor: ${escape(pidfile)}: held by PID ${first.pid}: another instance is running on this pidfile \\[UW_PIDFILE_LOCKED\\]\\n$`));
    assert.equal(second.find('master spawned').length + second.find('emperor started').length, 0, 'the second emperor started nothing');
    assert.equal(readFileSync(pidfile, 'utf8'), `${first.pid}\n`, 'the first one\'s pidfile is intact');

    first.signal('SIGINT');
    assert.equal(await exitOf(first), 0);
    assert.equal(existsSync(pidfile), false, 'the first emperor removed its own pidfile');
  });

  it('a pidfile that cannot be written (its directory does not exist yet) is a transient error, exit 75', async () => {
    const pidfile = dir.file('not-yet/uw.pid');
    const cli = new SpawnedCli(UW_BIN, [dir.write('nodir.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\npidfile = ${pidfile}\n`)]);
    assert.equal(await exitOf(cli), 75);
    assert.match(cli.stderr, new RegExp(`^uw: ${escape(pidfile)}: cannot write pidfile: ENOENT \\[UW_PIDFILE\\]\\n$`));
  });

  it('a second uw on the same pidfile exits 75 (transient: the emperor retries) and leaves it alone', async () => {
    const pidfile = dir.file('uw.pid');
    const config = (name: string) => dir.write(name, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\npidfile = ${pidfile}\nvacuum = true\n`);
    const first = await startMaster([config('one.ini')]);
    const second = new SpawnedCli(UW_BIN, [config('two.ini')]);
    assert.equal(await exitOf(second), 75);
    assert.match(second.stderr, new RegExp(`${escape(pidfile)}: held by PID ${first.cli.pid}: .*\\[UW_PIDFILE_LOCKED\\]`));
    assert.equal(readFileSync(pidfile, 'utf8'), `${first.cli.pid}\n`);
    first.cli.signal('SIGINT');
    await first.cli.exited;
    assert.equal(existsSync(pidfile), false);
  });
});
