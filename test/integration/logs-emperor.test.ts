// The emperor's logs: its own logto, vassal-logto-dir giving each vassal its
// file (unless the vassal names one), and the text format by default on a terminal.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { testControlPath } from '../helpers/control-socket.js';
import { APPS, EMPEROR_BIN } from '../helpers/paths.js';
import { describeLive, descendantsOf, isAlive, waitFor } from '../helpers/wait-for.js';
import { hasTmux, quote, Tmux } from './cli-tmux.js';
import { startEmperor, useVassalDirs } from './emperor-harness.js';
import { LogFileReader } from './logs-file-reader.js';

const vassalDir = useVassalDirs();
const app = (extra = ''): string => `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}log-writer.mjs\nenv = LOG_MODE=ids\nprocesses = 2\n${extra}`;

describe('emperor logs', () => {
  it('gives each vassal DIR/<vassal>.log, keeps its own lines in its logto, and lets a vassal name its own file', async () => {
    const dir = vassalDir();
    const logs = dir.file('logs');
    mkdirSync(logs);
    dir.write('vassals/a.ini', app());
    dir.write('vassals/b.ini', app());
    dir.write('vassals/c.ini', app(`logto = ${dir.file('own-c.log')}\n`));
    const emperor = startEmperor([dir.file('vassals'), '--logto', dir.file('emperor.log'), '--vassal-logto-dir', logs], { fake: false });
    for (const [vassal, file] of [['a.ini', `${logs}/a.ini.log`], ['b.ini', `${logs}/b.ini.log`], ['c.ini', dir.file('own-c.log')]] as const) {
      const reader = new LogFileReader(file);
      await reader.waitFor('master ready', {}, 1, 30_000);
      await reader.waitFor(/^err /, {}, 2);
      const output = reader.lines.filter((line) => line.stream !== undefined);
      assert.ok(output.length >= 4);
      for (const line of output) assert.ok(String(line.msg).includes(`vassal=${vassal} worker=${String(line.worker)} pid=${String(line.workerPid)}`), JSON.stringify(line));
      assert.ok(reader.lines.every((line) => line.vassal === vassal), `only ${vassal}'s lines in ${file}`);
    }
    assert.ok(!existsSync(`${logs}/c.ini.log`), 'a vassal\'s own logto wins');
    const own = new LogFileReader(dir.file('emperor.log'));
    await own.waitFor('vassal state', { vassal: 'c.ini', to: 'ready' }, 1, 30_000);
    assert.equal(emperor.lines.length, 0, 'nothing on stdout');
  });

  it('prints the text format on a terminal by default', { skip: !hasTmux }, async () => {
    const dir = vassalDir();
    dir.write('a.ini', app());
    const tmux = new Tmux();
    let pid: number | undefined;
    try {
      tmux.start(`UWEMPEROR_CONTROL=${quote(testControlPath())} exec ${quote(process.execPath)} ${quote(EMPEROR_BIN)} ${quote(dir.path)}`, 200);
      // exec'ed by the pane's shell: the pane's process is the emperor (whose title soon hides its command line)
      pid = Number(tmux.pane('#{pane_pid}'));
      await tmux.waitForScreen(/\[a\.ini\/w\d out\] out vassal=a\.ini worker=\d pid=\d+/, 30_000);
      const screen = await tmux.waitForScreen(/INFO +\[a\.ini\] master ready/, 30_000);
      assert.doesNotMatch(screen, /\{"level"/);
    } finally {
      const emperor = pid;
      if (emperor !== undefined && emperor > 0 && isAlive(emperor)) {
        process.kill(emperor, 'SIGINT');
        await waitFor('the emperor to stop', () => (isAlive(emperor) ? undefined : true), 30_000).catch(() => process.kill(emperor, 'SIGKILL'));
      }
      tmux.kill();
    }
  });
  it('stops on SIGINT after its terminal closed (stdout gone: lines dropped, never retried)', { skip: !hasTmux }, async () => {
    const dir = vassalDir();
    dir.write('a.ini', app());
    const tmux = new Tmux();
    let emperor: number | undefined;
    try {
      tmux.start(`UWEMPEROR_CONTROL=${quote(testControlPath())} exec ${quote(process.execPath)} ${quote(EMPEROR_BIN)} ${quote(dir.path)}`, 200);
      emperor = Number(tmux.pane('#{pane_pid}'));
      await tmux.waitForScreen(/INFO +\[a\.ini\] master ready/, 30_000);
      const family = [emperor, ...descendantsOf(emperor)];
      // the terminal goes away (an ssh session ends): every process writing to it gets EIO from now on
      tmux.kill();
      const pid = emperor;
      await waitFor('the reload the closed terminal\'s SIGHUP asked for to go by', () => (isAlive(pid) ? true : undefined));
      process.kill(pid, 'SIGINT');
      await waitFor('the emperor, its masters and workers to stop', () => (family.some(isAlive) ? undefined : true), 30_000).catch((err: Error) => {
        throw new Error(`${err.message}; still running:\n${describeLive(family)}`);
      });
      emperor = undefined;
    } finally {
      tmux.kill();
      // the masters and workers die with it (parent-death signal)
      if (emperor !== undefined && isAlive(emperor)) process.kill(emperor, 'SIGKILL');
    }
  });
});
