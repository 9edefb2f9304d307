// logto: the file a master writes, reopened after logrotate moved it (no line
// lost or written twice), rotated by size keeping N backups, refused with one
// line when its directory is missing or a symlink was planted at its name.
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import { readStats } from '../../src/stats/read-stats.js';
import type { MasterStatsDocument } from '../../src/stats/master-document.js';
import { freePort } from '../helpers/free-port.js';
import { APPS, UW_BIN } from '../helpers/paths.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { LogFileReader } from './logs-file-reader.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

function vassal(name: string, extra: string): string {
  return dir.write(name, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}log-writer.mjs\nenv = LOG_MODE=count\n${extra}`);
}

/** The N of every "seq N" line in these files, in file order. */
function sequence(...files: string[]): number[] {
  return files.flatMap((file) => readFileSync(file, 'utf8').split('\n').filter((line) => line.includes('"msg":"seq ')).map((line) => Number(/"msg":"seq (\d+)"/.exec(line)?.[1])));
}

function assertContiguous(numbers: readonly number[], from: number): void {
  assert.ok(numbers.length > 0);
  const gaps = numbers.filter((n, index) => n !== from + index).slice(0, 5);
  assert.deepEqual(gaps, [], `a contiguous run from ${from}: lines lost or written twice`);
}

async function stop(cli: SpawnedCli): Promise<void> {
  cli.signal('SIGINT');
  assert.deepEqual(await cli.exited, { code: 0, signal: null });
}

describe('log files', () => {
  it('reports as log_file the file it writes, still the first one after a reload that changes logto', async () => {
    const stats = await freePort();
    const first = dir.file('moved-a.log');
    const ini = vassal('moved.ini', `logto = ${first}\nstats = 127.0.0.1:${stats}\n`);
    const cli = new SpawnedCli(UW_BIN, [ini]);
    const reader = new LogFileReader(first);
    await reader.waitFor('master ready', {}, 1, 30_000);
    const logFile = async (): Promise<string | undefined> => (JSON.parse(await readStats({ type: 'tcp', host: '127.0.0.1', port: stats })) as MasterStatsDocument).log_file;
    assert.equal(await logFile(), first);
    vassal('moved.ini', `logto = ${dir.file('moved-b.log')}\nstats = 127.0.0.1:${stats}\n`);
    cli.signal('SIGHUP');
    await reader.waitFor('reload finished', {}, 1, 30_000);
    assert.equal(await logFile(), first, 'the file the lines still go to');
    assert.ok(!existsSync(dir.file('moved-b.log')));
    await stop(cli);
  });

  it('reopens on touch-logreopen after an external mv, losing and doubling no line', async () => {
    const logto = dir.file('reopen.log');
    const trigger = dir.write('reopen.trigger', '');
    const cli = new SpawnedCli(UW_BIN, [vassal('reopen.ini', `logto = reopen.log\ntouch-logreopen = ${trigger}\n`)], { cwd: dir.path });
    const first = new LogFileReader(logto);
    await first.waitFor('seq 500');
    assert.equal(statSync(logto).mode & 0o777, 0o640);
    renameSync(logto, `${logto}.1`);
    utimesSync(trigger, new Date(), new Date(Date.now() + 5_000));
    const second = new LogFileReader(logto);
    await second.waitFor('log file reopened');
    await second.waitFor(/^seq \d+$/, {}, 500);
    await stop(cli);
    const numbers = sequence(`${logto}.1`, logto);
    assertContiguous(numbers, 1);
    assert.ok(sequence(`${logto}.1`).length >= 500 && sequence(logto).length >= 500, 'lines on both sides of the reopen');
    assert.equal(statSync(logto).mode & 0o777, 0o640);
  });

  it('rotates at log-maxsize, keeping log-backups files, in order', async () => {
    const logto = dir.file('rotate.log');
    const cli = new SpawnedCli(UW_BIN, [vassal('rotate.ini', `logto = ${logto}\nlog-maxsize = 4096\nlog-backups = 2\n`)]);
    await waitFor('several rotations', () => (existsSync(`${logto}.2`) && (sequence(`${logto}.2`)[0] ?? 0) > 200 ? true : undefined), 30_000);
    await stop(cli);
    assert.ok(!existsSync(`${logto}.3`), 'no third backup');
    for (const file of [`${logto}.2`, `${logto}.1`, logto]) assert.ok(statSync(file).size <= 4096, `${file}: ${statSync(file).size} bytes`);
    const numbers = sequence(`${logto}.2`, `${logto}.1`, logto);
    assertContiguous(numbers, numbers[0] ?? 0);
    assert.ok(readFileSync(logto, 'utf8').includes('"msg":"master stopped"'), 'the master\'s own lines go to the same file');
  });

  for (const [what, setup, expected] of [
    ['a missing directory', () => dir.file('missing/app.log'), /option "logto": cannot open the log file .*missing\/app\.log: its directory does not exist \[UW_CONFIG_INVALID_VALUE\]/],
    ['a planted symlink', () => {
      const victim = dir.write('victim.txt', 'untouched\n');
      symlinkSync(victim, dir.file('planted.log'));
      return dir.file('planted.log');
    }, /option "logto": cannot open the log file .*planted\.log: it is a symlink \(refused\) \[UW_CONFIG_INVALID_VALUE\]/],
  ] as const) {
    it(`refuses ${what} with one line, before any worker starts`, async () => {
      const cli = new SpawnedCli(UW_BIN, [vassal(`bad-${what.length}.ini`, `logto = ${setup()}\n`)]);
      assert.equal((await cli.exited).code, 2);
      await waitFor('its error line', () => (cli.stderr.endsWith('\n') ? true : undefined));
      const lines = cli.stderr.trim().split('\n');
      assert.equal(lines.length, 1, cli.stderr);
      assert.match(lines[0] ?? '', expected);
      assert.equal(cli.find('worker spawned').length, 0);
      if (existsSync(dir.file('victim.txt'))) assert.equal(readFileSync(dir.file('victim.txt'), 'utf8'), 'untouched\n');
    });
  }
});
