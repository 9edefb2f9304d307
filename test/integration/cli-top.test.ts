// `uwemperor top` in a real pseudo-terminal (tmux): the screen shows the
// vassals busiest first, keys move the selection and list the workers, the
// emperor going away is shown and survived, and q or Ctrl-C give the terminal
// back (alternate screen left, cursor shown, canonical mode on).
import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { startStatsServer, type StatsServer } from '../../src/stats/stats-server.js';
import { EMPEROR_BIN } from '../helpers/paths.js';
import { TempDir } from '../helpers/temp-dir.js';
import { threeVassals } from '../unit/cli-documents.js';
import { readFileSync } from 'node:fs';
import { isAlive, waitFor } from '../helpers/wait-for.js';
import { hasTmux, quote, Tmux } from './cli-tmux.js';

const dir = new TempDir();
after(() => dir.remove());
describe('uwemperor top in a terminal', { skip: !hasTmux && 'tmux is not installed' }, () => {
  let tmux: Tmux;
  let server: StatsServer | undefined;
  let reads = 0;
  const control = dir.file('control.sock');
  const serve = async (): Promise<void> => {
    server = await startStatsServer({ address: { type: 'unix', path: control }, option: '--control', file: '' }, {
      document: () => Promise.resolve(threeVassals(1_800_000_000_000 + ++reads * 1000, [6000 + reads * 50, 4000 + reads * 5])),
      metrics: () => Promise.resolve(''),
    }, (err) => assert.fail(String(err)));
  };
  beforeEach(async () => {
    tmux = new Tmux();
    await serve();
  });
  afterEach(async () => {
    tmux.kill();
    await server?.close();
    server = undefined;
  });

  /** top in the pane after a line of the shell's own, then what the terminal is like once it exits. */
  const startTop = (): void => {
    const top = `${quote(process.execPath)} ${quote(EMPEROR_BIN)} top --control ${quote(control)}`;
    tmux.start(`echo before top; ${top}; echo "top exited $?"; stty -a | grep -o -- '-\\?icanon'; exec sleep 600`);
  };

  it('shows the vassals busiest first, moves with j/k, lists workers on Enter, and q restores the terminal', async () => {
    startTop();
    await tmux.waitForScreen(/55\.0 req\/s/);
    const screen = await tmux.waitForScreen(/^> api\.ini .* 55\.0 /m);
    assert.match(screen, /^uwemperor top - emperor 100 - 3 vassals \(2 ready\)/);
    assert.match(screen, /^ {2}broken\.ini +broken .*config error: unknown option/m);
    assert.match(screen, /^ {2}hung\.ini +ready .*no answer/m);
    assert.equal(tmux.pane('#{alternate_on} #{cursor_flag}'), '1 0', 'on the alternate screen, cursor hidden');
    tmux.keys('j');
    await tmux.waitForScreen(/^> broken\.ini/m);
    tmux.keys('k', 'Enter');
    const workers = await tmux.waitForScreen(/^ +WORKER +PID +STATUS +REQ\/S/m);
    assert.match(workers, /^ +1 +202 +idle +50\.0 +\d+ /m);
    assert.match(workers, /^ +2 +203 +busy +5\.0 +\d+ .*GET \/slow/m);
    tmux.keys('q');
    const after = await tmux.waitForScreen(/top exited \d+\n-?icanon/);
    assert.match(after, /^before top\ntop exited 0\nicanon$/m, 'the shell\'s screen is back as it was, in canonical mode');
    assert.ok(!after.includes('api.ini'));
    assert.equal(tmux.pane('#{alternate_on} #{cursor_flag}'), '0 1', 'alternate screen left, cursor shown');
  });

  it('shows that the emperor went away, keeps retrying, recovers, and quits on Ctrl-C', async () => {
    startTop();
    await tmux.waitForScreen(/^> api\.ini/m);
    await server?.close();
    server = undefined;
    const down = await tmux.waitForScreen(/^emperor unreachable for \d+s, retrying every second: no emperor: .*control\.sock does not exist/m);
    assert.match(down, /^> api\.ini/m, 'the last figures stay');
    await serve();
    await tmux.waitForScreen(/^(?![\s\S]*unreachable)[\s\S]*req\/s/);
    tmux.keys('C-c');
    assert.match(await tmux.waitForScreen(/top exited \d+\n-?icanon/), /^before top\ntop exited 0\nicanon$/m);
    assert.equal(tmux.pane('#{alternate_on} #{cursor_flag}'), '0 1');
  });

  it('a SIGTERM from outside gives the terminal back too', async () => {
    startTop();
    await tmux.waitForScreen(/^> api\.ini/m);
    const top = tmux.pidOf('\0top\0--control\0');
    assert.ok(top !== undefined, 'top runs in the pane');
    process.kill(top, 'SIGTERM');
    assert.match(await tmux.waitForScreen(/top exited \d+\n-?icanon/), /^before top\ntop exited 0\nicanon$/m);
    assert.equal(tmux.pane('#{alternate_on} #{cursor_flag}'), '0 1');
  });

  it('the terminal closing under it (SIGHUP) ends top quietly, with no error from Node', async () => {
    const errors = dir.file('hangup.err');
    tmux.start(`${quote(process.execPath)} ${quote(EMPEROR_BIN)} top --control ${quote(control)} 2>${quote(errors)}`);
    await tmux.waitForScreen(/^> api\.ini/m);
    const top = tmux.pidOf('\0top\0--control\0');
    assert.ok(top !== undefined, 'top runs in the pane');
    tmux.kill();
    await waitFor('top to exit', () => (isAlive(top) ? undefined : true));
    assert.equal(readFileSync(errors, 'utf8'), '');
  });

  it('with no emperor at all: one line on the shell\'s screen, exit 1, the terminal untouched', async () => {
    await server?.close();
    server = undefined;
    startTop();
    const screen = await tmux.waitForScreen(/top exited \d+\n-?icanon/);
    assert.match(screen, /^uwemperor top: no emperor: .*control\.sock does not exist \(is uwemperor running\? give the socket with --control PATH\)$/m);
    assert.match(screen, /^top exited 1\nicanon$/m);
  });

  it('ls on a terminal: the emperor that answered, the header bold, the last error cut so no line wraps', async () => {
    tmux.start(`${quote(process.execPath)} ${quote(EMPEROR_BIN)} ls --control ${quote(control)}; echo "ls exited $?"; exec sleep 600`, 90);
    const screen = await tmux.waitForScreen(/^ls exited 0$/m);
    const lines = screen.split('\n').filter((line) => line !== '');
    assert.deepEqual(lines.map((line) => line.split(/ +/)[0]), ['emperor', 'VASSAL', 'api.ini', 'broken.ini', 'hung.ini', 'ls']);
    assert.match(lines[0] ?? '', /^emperor pid 100 \(uwemperor [^)]+\) watching /);
    assert.match(lines[3] ?? '', /^broken\.ini .* config error: unk…$/);
    for (const line of lines) assert.ok(line.length <= 90, `${JSON.stringify(line)} is wider than the terminal`);
    assert.ok(tmux.screen(true).includes('\x1b[1mVASSAL'), 'the header is bold');
  });
});
