// `uwemperor ls`, `ls --json`, `stats --json` and `top` against a real
// emperor with real uw vassals: rows match the vassals, their states and
// master pids, requests made are counted, and top follows the emperor until
// it stops (then says so and keeps retrying).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { afterEach, describe, it } from 'node:test';
import type { LsRow } from '../../src/cli/ls-rows.js';
import type { EmperorStatsDocument } from '../../src/stats/emperor-document.js';
import { freePort } from '../helpers/free-port.js';
import { get } from '../helpers/http-client.js';
import { EMPEROR_BIN, FIXTURES } from '../helpers/paths.js';
import type { SpawnedCli } from '../helpers/spawned-cli.js';
import { hasTmux, quote, Tmux } from './cli-tmux.js';
import { startEmperor, useVassalDirs, waitForState } from './emperor-harness.js';

const APP = `${FIXTURES}emperor/app.mjs`;
const newDir = useVassalDirs();
const terminals: Tmux[] = [];
afterEach(() => terminals.splice(0).forEach((tmux) => tmux.kill()));

/** Run a built uwemperor command to its end. */
function uwemperor(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [EMPEROR_BIN, ...args], { timeout: 10_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

/** An emperor on two real vassals (a.ini with 2 workers, b.ini with 1) and a broken one; its control socket. */
async function emperorWithVassals(): Promise<{ emperor: SpawnedCli; control: string; port: number; pids: Record<string, number> }> {
  const dir = newDir();
  const [portA, portB] = [await freePort(), await freePort()];
  dir.write('a.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:${portA}\nmodule = ${APP}\nprocesses = 2\n`);
  dir.write('b.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:${portB}\nmodule = ${APP}\nprocesses = 1\n`);
  dir.write('broken.ini', '[uwsgi]\nproceses = 2\n');
  const control = dir.file('control.sock');
  const emperor = startEmperor([dir.path, '--control', control], { fake: false });
  await waitForState(emperor, 'broken.ini', 'broken');
  const pids: Record<string, number> = {};
  for (const name of ['a.ini', 'b.ini']) {
    await waitForState(emperor, name, 'ready');
    pids[name] = Number(emperor.find('master spawned', { vassal: name }).at(-1)?.masterPid);
  }
  return { emperor, control, port: portA, pids };
}

describe('the stats commands against a real emperor', () => {
  it('ls and ls --json: a row per vassal with its state, master pid, workers and the requests made', async () => {
    const { control, port, pids } = await emperorWithVassals();
    for (let i = 0; i < 3; i++) assert.equal((await get({ port })).status, 200);
    const json = await uwemperor(['ls', '--json', '--control', control]);
    assert.equal(json.code, 0, json.stderr);
    const rows = JSON.parse(json.stdout) as LsRow[];
    const byName = new Map(rows.map((row) => [row.vassal, row]));
    assert.deepEqual([...byName.keys()].sort(), ['a.ini', 'b.ini', 'broken.ini']);
    assert.deepEqual(
      ['a.ini', 'b.ini'].map((name) => { const row = byName.get(name); return [row?.state, row?.pid, row?.workers_ready, row?.workers_total, row?.answered]; }),
      [['ready', pids['a.ini'], 2, 2, true], ['ready', pids['b.ini'], 1, 1, true]],
    );
    assert.equal(byName.get('a.ini')?.requests, 3);
    assert.equal(byName.get('b.ini')?.requests, 0);
    assert.ok((byName.get('a.ini')?.rss_bytes ?? 0) > 0);
    const broken = byName.get('broken.ini');
    assert.deepEqual([broken?.state, broken?.pid, broken?.requests], ['broken', null, null]);
    assert.match(broken?.error ?? '', /unknown option "proceses"/);

    const table = await uwemperor(['ls', '--control', control]);
    assert.equal(table.code, 0, table.stderr);
    const cells = table.stdout.trimEnd().split('\n').slice(1).map((line) => line.split(/ +/));
    assert.deepEqual(cells.map((cell) => cell.slice(0, 3)).sort(), [['a.ini', 'ready', String(pids['a.ini'])], ['b.ini', 'ready', String(pids['b.ini'])], ['broken.ini', 'broken', '-']]);
  });

  it('stats --json is the emperor\'s document with every vassal, each answering master\'s own document inside', async () => {
    const { control, pids } = await emperorWithVassals();
    const { code, stdout, stderr } = await uwemperor(['stats', '--json', '--control', control]);
    assert.equal(code, 0, stderr);
    const doc = JSON.parse(stdout) as EmperorStatsDocument;
    assert.deepEqual(doc.vassals.map((vassal) => vassal.id).sort(), ['a.ini', 'b.ini', 'broken.ini']);
    for (const name of ['a.ini', 'b.ini']) {
      const vassal = doc.vassals.find((v) => v.id === name);
      assert.equal(vassal?.stats?.pid, pids[name]);
      assert.equal(vassal?.stats?.workers.length, name === 'a.ini' ? 2 : 1);
    }
    assert.equal(doc.vassals.find((v) => v.id === 'broken.ini')?.stats, null);
  });

  it('top shows the vassals and the workers of the selected one, then that the emperor went away', { skip: !hasTmux && 'tmux is not installed' }, async () => {
    const { emperor, control, port } = await emperorWithVassals();
    for (let i = 0; i < 2; i++) assert.equal((await get({ port })).status, 200);
    const tmux = new Tmux();
    terminals.push(tmux);
    tmux.start(`${quote(process.execPath)} ${quote(EMPEROR_BIN)} top --control ${quote(control)}; echo "top exited $?"; exec sleep 600`);
    const screen = await tmux.waitForScreen(/^> a\.ini +ready /m);
    assert.match(screen, /^ {2}b\.ini +ready /m);
    assert.match(screen, /^ {2}broken\.ini +broken /m);
    tmux.keys('Enter');
    const workers = (await tmux.waitForScreen(/^ +WORKER +PID/m)).split('\n').filter((line) => /^ {6,}\d+ +\d+ /.test(line));
    const pids = emperor.find('worker spawned').map((line) => Number(line.workerPid));
    assert.equal(workers.length, 2, 'a line per worker of a.ini');
    for (const line of workers) assert.ok(pids.includes(Number(line.trim().split(/ +/)[1])), `${line}: a worker pid the master logged`);
    emperor.signal('SIGINT');
    await emperor.exited;
    await tmux.waitForScreen(/^emperor unreachable for \d+s, retrying every second: no emperor: .*control\.sock does not exist/m);
    tmux.keys('q');
    await tmux.waitForScreen(/^top exited 0$/m);
  });
});
