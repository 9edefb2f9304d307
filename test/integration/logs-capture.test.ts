// The workers' stdout and stderr captured by their master: each line a record
// of the right vassal and worker, partial lines joined, long lines cut and
// counted, and a 100 MB flood that neither stalls the master nor loses a line.
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { get } from '../helpers/http-client.js';
import { APPS, UW_BIN } from '../helpers/paths.js';
import { killAll, SpawnedCli, type LogLine } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids, startMaster } from '../helpers/uw-master.js';
import { waitFor } from '../helpers/wait-for.js';
import { LogFileReader } from './logs-file-reader.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

function vassal(name: string, mode: string, extra = ''): string {
  return dir.write(name, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}log-writer.mjs\nenv = LOG_MODE=${mode}\n${extra}`);
}

/** `out vassal=a.ini worker=2 pid=123` as the app printed it, against the record's own fields. */
function assertAttributed(record: LogLine, stream: 'stdout' | 'stderr'): void {
  const said = /vassal=(\S+) worker=(\d+) pid=(\d+)$/.exec(String(record.msg));
  assert.ok(said, `an app line: ${JSON.stringify(record)}`);
  assert.deepEqual([record.vassal, record.worker, record.workerPid, record.stream, record.generation], [said[1], Number(said[2]), Number(said[3]), stream, 1], JSON.stringify(record));
}

describe('worker output capture', () => {
  it('attributes each line to its vassal, worker and stream, for two workers of two vassals', async () => {
    const masters = await Promise.all(['a.ini', 'b.ini'].map((name) => startMaster([vassal(name, 'ids', 'processes = 2\n')])));
    for (const { cli, port } of masters) {
      for (let i = 0; i < 4; i += 1) await get({ port });
      await waitFor('4 request lines', () => (cli.lines.filter((line) => String(line.msg).startsWith('request ')).length >= 4 ? true : undefined));
      const output = cli.lines.filter((line) => line.stream !== undefined);
      const starts = output.filter((line) => !String(line.msg).startsWith('request '));
      assert.equal(starts.length, 4, 'one stdout and one stderr line per worker');
      for (const record of output) assertAttributed(record, String(record.msg).startsWith('err ') ? 'stderr' : 'stdout');
      assert.deepEqual(new Set(starts.map((line) => line.workerPid)), new Set(liveWorkerPids(cli)));
    }
  });

  it('joins a line written in two parts, cuts a 1 MiB line at 16 KiB (marked, counted), keeps a JSON line structured', async () => {
    const { cli } = await startMaster([vassal('partial.ini', 'partial')]);
    await cli.waitForLog('structured');
    const output = cli.lines.filter((line) => line.stream === 'stdout');
    assert.deepEqual(output.map((line) => (line.cut ? `cut:${String(line.msg).length}` : line.msg)), ['abcdef', 'cut:16384', 'after the long line', 'structured']);
    assert.match(String(output[1]?.msg), /^x+$/);
    // an app's own JSON line keeps its fields, under the master's attribution
    assert.deepEqual([output[3]?.userId, output[3]?.workerPid, output[3]?.level], [7, output[0]?.workerPid, 'info']);
    cli.signal('SIGINT');
    const report = await cli.waitForLog('worker output cut or dropped');
    assert.deepEqual([report.cutLines, report.droppedLines, report.worker], [1, 0, 1]);
  });

  it('answers SIGUSR1 and reloads while a worker floods 100 MB, and writes every line of it', async () => {
    const logto = dir.file('flood.log');
    const file = vassal('flood.ini', 'flood', `env = FLOOD_MARK=${dir.file('flood.mark')}\nenv = FLOOD_MB=100\nlogto = ${logto}\nworker-reload-mercy = 600\n`);
    const reader = new LogFileReader(logto, /"msg":"flood \d/);
    const cli = new SpawnedCli(UW_BIN, [file]);
    await reader.waitFor('master ready');
    await waitFor('the flood to be under way', () => (reader.poll(), reader.outputRecords > 10_000 ? true : undefined), 60_000);
    // the worker draining on the reload finishes this request first, and so its flood
    const port = Number(String(reader.find('socket bound')[0]?.where).split(':')[1]);
    const held = get({ port }, '/flood-done', false, 600_000);
    cli.signal('SIGUSR1');
    await reader.waitFor('stats', {}, 1, 30_000);
    cli.signal('SIGHUP');
    await reader.waitFor('reload started', {}, 1, 30_000);
    const during = reader.outputRecords;
    await reader.waitFor('reload finished', {}, 1, 120_000);
    await reader.waitFor(/^flood done /, {}, 1, 300_000);
    assert.equal((await held).status, 200);
    await reader.waitFor('worker exited', { generation: 1 }, 1, 30_000);
    assert.ok(during < reader.outputRecords, 'SIGUSR1 and the reload were answered while the flood went on');
    const done = reader.find(/^flood done /)[0];
    const lines = Number(String(done?.msg).slice('flood done '.length));
    assert.ok(lines > 1_000_000, `100 MB of lines: ${lines}`);
    assert.equal(reader.outputRecords, lines + 1, 'every line of the flood, and its last one, written once');
  });
});
