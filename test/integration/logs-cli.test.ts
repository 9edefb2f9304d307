// `uwemperor logs` against a real emperor and real masters: the last N lines
// of one vassal's file, every vassal's lines interleaved by time, one clear
// line for a vassal without a file and for an unknown name, `-f` following in
// a terminal (text format) across logrotate's mv + `logs reopen`, and the
// reopen itself losing and doubling no line (the emperor's file reopened too).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { afterEach, describe, it } from 'node:test';
import { freePort } from '../helpers/free-port.js';
import { get } from '../helpers/http-client.js';
import { APPS, EMPEROR_BIN } from '../helpers/paths.js';
import { hasTmux, quote, Tmux } from './cli-tmux.js';
import { startEmperor, useVassalDirs, waitForState } from './emperor-harness.js';
import { LogFileReader } from './logs-file-reader.js';

const newDir = useVassalDirs();
const terminals: Tmux[] = [];
afterEach(() => terminals.splice(0).forEach((tmux) => tmux.kill()));

const vassal = (mode: string, extra = ''): string => `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}log-writer.mjs\nenv = LOG_MODE=${mode}\n${extra}`;

/** Run a built uwemperor command to its end (stdout is a pipe). */
function uwemperor(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [EMPEROR_BIN, ...args], { timeout: 15_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

const linesOf = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');

/** The N of every "seq N" line in these files, in file order. */
const sequence = (...files: string[]): number[] => files.flatMap((file) => linesOf(file).filter((line) => line.includes('"msg":"seq ')).map((line) => Number(/"msg":"seq (\d+)"/.exec(line)?.[1])));

describe('uwemperor logs', () => {
  it('-n 5 piped prints the last 5 JSON lines of one vassal; without a name, every vassal\'s lines by time', async () => {
    const dir = newDir();
    dir.write('v/a.ini', vassal('ids', `processes = 2\nlogto = ${dir.file('a.log')}\n`));
    dir.write('v/b.ini', vassal('ids', `logto = ${dir.file('b.log')}\n`));
    const control = dir.file('control.sock');
    const emperor = startEmperor([dir.file('v'), '--control', control], { fake: false });
    for (const name of ['a', 'b']) {
      const reader = new LogFileReader(dir.file(`${name}.log`));
      await reader.waitFor('master ready', {}, 1, 30_000);
      await reader.waitFor(/^err /, {}, name === 'a' ? 2 : 1);
    }
    await waitForState(emperor, 'b.ini', 'ready', 1, 30_000);
    const five = await uwemperor(['logs', 'a.ini', '-n', '5', '--control', control]);
    assert.equal(five.code, 0, five.stderr);
    assert.deepEqual(five.stdout.split('\n').slice(0, -1), linesOf(dir.file('a.log')).slice(-5));
    const stem = await uwemperor(['logs', 'b', '-n', '2', '--control', control]);
    assert.deepEqual(stem.stdout.split('\n').slice(0, -1), linesOf(dir.file('b.log')).slice(-2), 'a vassal named without its extension');

    const all = await uwemperor(['logs', '-n', '1000', '--control', control]);
    assert.equal(all.code, 0, all.stderr);
    const printed = all.stdout.split('\n').slice(0, -1);
    const both = [...linesOf(dir.file('a.log')), ...linesOf(dir.file('b.log'))];
    assert.deepEqual([...printed].sort(), [...both].sort(), 'every line of both files, once');
    const times = printed.map((line) => String((JSON.parse(line) as { time: string }).time));
    assert.deepEqual(times, [...times].sort(), 'interleaved by time');
    assert.ok(new Set(printed.map((line) => (JSON.parse(line) as { vassal: string }).vassal)).size === 2);
    const last3 = await uwemperor(['logs', '-n', '3', '--control', control]);
    assert.deepEqual(last3.stdout.split('\n').slice(0, -1), printed.slice(-3), 'the latest 3 over both files');
  });

  it('says in one line that a vassal logs to the emperor\'s stdout, and names the closest vassal to an unknown one', async () => {
    const dir = newDir();
    dir.write('v/app.ini', vassal('ids'));
    const control = dir.file('control.sock');
    const emperor = startEmperor([dir.file('v'), '--control', control], { fake: false });
    await waitForState(emperor, 'app.ini', 'ready', 1, 30_000);
    const stdoutOnly = await uwemperor(['logs', 'app.ini', '--control', control]);
    assert.equal(stdoutOnly.code, 1);
    assert.equal(stdoutOnly.stdout, '');
    assert.match(stdoutOnly.stderr, /^uwemperor logs: app\.ini logs to the emperor's stdout, not to a file \(set logto, or the emperor's vassal-logto-dir\)\n$/);
    const all = await uwemperor(['logs', '--control', control]);
    assert.equal(all.code, 1);
    assert.match(all.stderr, /^uwemperor logs: no vassal logs to a file/);
    const typo = await uwemperor(['logs', 'apq.ini', '--control', control]);
    assert.equal(typo.code, 1);
    assert.equal(typo.stderr, 'uwemperor logs: no vassal named "apq.ini" (did you mean app.ini?)\n');
    const usage = await uwemperor(['logs', '-n', 'many', '--control', control]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /-n: expected a number of lines, got "many"/);
  });

  it('refuses, in one line naming the vassal and the path, a symlink, a FIFO or a file of another user at the log file\'s name', async () => {
    const dir = newDir();
    const log = dir.file('a.log');
    dir.write('v/a.ini', vassal('ids', `logto = ${log}\n`));
    const secret = dir.file('secret');
    writeFileSync(secret, 'SECRET\n', { mode: 0o600 });
    const control = dir.file('control.sock');
    const emperor = startEmperor([dir.file('v'), '--control', control], { fake: false });
    await new LogFileReader(log).waitFor('master ready', {}, 1, 30_000);
    await waitForState(emperor, 'a.ini', 'ready', 1, 30_000);
    renameSync(log, `${log}.1`);
    const refusal = async (why: string): Promise<void> => {
      for (const follow of [[], ['-f']]) {
        const refused = await uwemperor(['logs', 'a.ini', ...follow, '--control', control]);
        assert.deepEqual(refused, { code: 1, stdout: '', stderr: `uwemperor logs: a.ini: refusing to read the log file ${log}: ${why}\n` });
      }
    };
    symlinkSync(secret, log);
    await refusal('it is a symbolic link');
    rmSync(log);
    execFileSync('mkfifo', [log]);
    await refusal('it is not a regular file');
    rmSync(log);
    if (process.geteuid?.() !== 0) return; // a file of another user: only root can make one
    writeFileSync(log, 'SECRET\n');
    chownSync(log, 65534, 65534);
    await refusal('it is owned by uid 65534, not by the user its master runs as');
  });

  it('-f follows in a terminal, in the text format, across an mv and `logs reopen`', { skip: !hasTmux }, async () => {
    const dir = newDir();
    const port = await freePort();
    mkdirSync(dir.file('logs'));
    dir.write('v/a.ini', vassal('ids').replace('127.0.0.1:0', `127.0.0.1:${port}`));
    const control = dir.file('control.sock');
    const emperor = startEmperor([dir.file('v'), '--control', control, '--vassal-logto-dir', dir.file('logs')], { fake: false });
    await waitForState(emperor, 'a.ini', 'ready', 1, 30_000);
    const file = dir.file('logs/a.ini.log');
    await new LogFileReader(file).waitFor('master ready');
    const tmux = new Tmux();
    terminals.push(tmux);
    tmux.start(`exec ${quote(process.execPath)} ${quote(EMPEROR_BIN)} logs a.ini -f -n 3 --control ${quote(control)}`, 200);
    const first = await tmux.waitForScreen(/INFO +\[a\.ini\] master ready/);
    assert.doesNotMatch(first, /\{"level"/, 'the text format on a terminal');
    await get({ port });
    await tmux.waitForScreen(/\[a\.ini\/w1 out\] request vassal=a\.ini/);
    renameSync(file, `${file}.1`);
    const reopen = await uwemperor(['logs', 'reopen', '--control', control]);
    assert.deepEqual([reopen.code, reopen.stdout], [0, 'reopened: 1 master told\n'], reopen.stderr);
    await new LogFileReader(file).waitFor('log file reopened');
    await get({ port }, '/again');
    const screen = await tmux.waitForScreen(/request vassal=a\.ini[\s\S]*log file reopened[\s\S]*request vassal=a\.ini/);
    assert.equal(screen.match(/master ready/g)?.length, 1, 'nothing shown twice');
  });

  it('logs reopen: masters and the emperor write new files after logrotate\'s mv, no line lost or doubled', async () => {
    const dir = newDir();
    mkdirSync(dir.file('logs'));
    dir.write('v/count.ini', vassal('count'));
    const control = dir.file('control.sock');
    const own = dir.file('emperor.log');
    const emperor = startEmperor([dir.file('v'), '--control', control, '--vassal-logto-dir', dir.file('logs'), '--logto', own], { fake: false });
    const file = dir.file('logs/count.ini.log');
    await new LogFileReader(file).waitFor('seq 500', {}, 1, 30_000);
    await new LogFileReader(own).waitFor('vassal state', { vassal: 'count.ini', to: 'ready' });
    renameSync(file, `${file}.1`);
    renameSync(own, `${own}.1`);
    const reopen = await uwemperor(['logs', 'reopen', '--control', control]);
    assert.deepEqual([reopen.code, reopen.stdout], [0, 'reopened: the emperor\'s log file and 1 master told\n'], reopen.stderr);
    await new LogFileReader(file).waitFor(/^seq \d+$/, {}, 500);
    await new LogFileReader(own).waitFor('log reopen relayed to the masters', { masters: 1 });
    emperor.signal('SIGINT');
    assert.deepEqual(await emperor.exited, { code: 0, signal: null });
    const numbers = sequence(`${file}.1`, file);
    const wrong = numbers.filter((n, index) => n !== index + 1).slice(0, 5);
    assert.deepEqual(wrong, [], 'seq 1, 2, 3 ... across both files: no line lost or written twice');
    assert.ok(sequence(`${file}.1`).length >= 500 && sequence(file).length >= 500, 'lines on both sides of the reopen');
    assert.ok(!readFileSync(`${own}.1`, 'utf8').includes('log reopen relayed'), 'the emperor\'s lines after the reopen go to its new file');
    assert.ok(existsSync(own));
  });
});
