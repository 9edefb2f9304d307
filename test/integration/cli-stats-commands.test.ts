// `uwemperor ls`, `ls --json`, `stats --json` and `stats` as real processes
// reading a real stats server (serving fixed emperor documents), and what each
// says when no emperor is there: the path it tried and exit 1, or that the
// path is not an emperor's socket, or that the socket is not theirs to read.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { startStatsServer, type StatsServer } from '../../src/stats/stats-server.js';
import type { EmperorStatsDocument } from '../../src/stats/emperor-document.js';
import type { LsRow } from '../../src/cli/ls-rows.js';
import { EMPEROR_BIN } from '../helpers/paths.js';
import { readableBuild } from '../helpers/readable-build.js';
import { TempDir } from '../helpers/temp-dir.js';
import { threeVassals } from '../unit/cli-documents.js';

const dir = new TempDir();
const servers: StatsServer[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
  dir.remove();
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the built uwemperor (optionally through `prefix`, e.g. setpriv) and collect its output; killed after 10 s. */
function uwemperor(args: readonly string[], options: { prefix?: readonly string[]; bin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const argv = [...(options.prefix ?? []), process.execPath, options.bin ?? EMPEROR_BIN, ...args];
  return new Promise((resolve) => {
    execFile(argv[0] ?? '', argv.slice(1), { timeout: 10_000, env: { ...process.env, ...options.env } }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

/** A stats server on a UNIX socket in the temp dir serving `document` (or what `make` builds per read). */
async function serve(name: string, make: () => unknown): Promise<string> {
  const server = await startStatsServer({ address: { type: 'unix', path: dir.file(name) }, option: '--control', file: '' }, { document: () => Promise.resolve(make()), metrics: () => Promise.resolve('') }, (err) => assert.fail(String(err)));
  servers.push(server);
  return server.where;
}

describe('uwemperor ls and stats against a stats server', () => {
  it('ls prints a row per vassal with state and pid; --json gives the same rows', async () => {
    const control = await serve('ls.sock', () => threeVassals());
    const table = await uwemperor(['ls', '--control', control]);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^VASSAL +STATE +PID +UPTIME +WORKERS +REQUESTS +RSS +RESTARTS +LAST ERROR$/);
    assert.deepEqual(lines.slice(1).map((line) => line.split(/ +/).slice(0, 3)), [['api.ini', 'ready', '201'], ['broken.ini', 'broken', '-'], ['hung.ini', 'ready', '301']]);
    assert.ok(!table.stdout.includes('\x1b'), 'no escape codes in a pipe');
    const json = await uwemperor(['ls', '--json', '--control', control]);
    const rows = JSON.parse(json.stdout) as LsRow[];
    assert.deepEqual(rows.map((row) => [row.vassal, row.state, row.pid, row.requests]), [['api.ini', 'ready', 201, 10_000], ['broken.ini', 'broken', null, null], ['hung.ini', 'ready', 301, null]]);
  });

  it('--control host:port reads an emperor\'s stats address over TCP', async () => {
    const server = await startStatsServer({ address: { type: 'tcp', host: '127.0.0.1', port: 0 }, option: 'stats', file: '' }, { document: () => Promise.resolve(threeVassals()), metrics: () => Promise.resolve('') }, (err) => assert.fail(String(err)));
    servers.push(server);
    const { code, stdout, stderr } = await uwemperor(['ls', '--json', '--control', server.where]);
    assert.equal(code, 0, stderr);
    assert.deepEqual((JSON.parse(stdout) as LsRow[]).map((row) => row.vassal), ['api.ini', 'broken.ini', 'hung.ini']);
  });

  it('ls --rate reads twice and adds REQ/S from the difference', async () => {
    let reads = 0;
    const start = Date.now();
    const control = await serve('rate.sock', () => {
      reads += 1;
      return threeVassals(start + reads * 1000, [6000 + reads * 30, 4000 + reads * 10]);
    });
    const { code, stdout, stderr } = await uwemperor(['ls', '--rate', '--json', '--control', control]);
    assert.equal(code, 0, stderr);
    assert.deepEqual((JSON.parse(stdout) as LsRow[]).map((row) => row.req_per_s), [40, null, null]);
  });

  it('stats --json prints the emperor\'s whole document; stats a summary with a line per worker', async () => {
    const control = await serve('stats.sock', () => threeVassals());
    const json = await uwemperor(['stats', '--json', '--control', control]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), JSON.parse(JSON.stringify(threeVassals())) as EmperorStatsDocument);
    const text = await uwemperor(['stats', '--control', control]);
    assert.match(text.stdout, /^emperor pid 100 .*: 3 vassals, 2 ready, 10000 requests/);
    assert.match(text.stdout, /^ +2 +203 +ready +busy +4000 /m);
  });
});

describe('no emperor there', () => {
  for (const command of ['ls', 'stats', 'top']) {
    it(`${command}: a missing socket is named, with the --control hint, exit 1`, async () => {
      const path = dir.file('nobody-here.sock');
      const { code, stdout, stderr } = await uwemperor([command, '--control', path]);
      assert.equal(code, command === 'top' ? 2 : 1, stderr);
      if (command === 'top') return assert.match(stderr, /top needs a terminal/);
      assert.equal(stdout, '');
      assert.equal(stderr, `uwemperor ${command}: no emperor: ${path} does not exist (is uwemperor running? give the socket with --control PATH)\n`);
    });
  }

  it('the default path is tried without --control (UWEMPEROR_CONTROL moves it)', async () => {
    const path = dir.file('default.sock');
    const { code, stderr } = await uwemperor(['ls'], { env: { UWEMPEROR_CONTROL: path } });
    assert.equal(code, 1);
    assert.match(stderr, new RegExp(`no emperor: ${path} does not exist`));
  });

  it('a stale socket file, a regular file, a master\'s stats socket and garbage are each told apart', async () => {
    const stale = dir.file('stale.sock');
    spawnSync(process.execPath, ['-e', 'require("net").createServer().listen(process.argv[1], () => process.kill(process.pid, "SIGKILL"))', stale]);
    assert.match((await uwemperor(['ls', '--control', stale])).stderr, /no emperor listens on .*stale\.sock \(connection refused: a stale socket file\?/);
    const file = dir.write('file.sock', 'secret content');
    const notSocket = await uwemperor(['ls', '--control', file]);
    assert.equal(notSocket.code, 1);
    assert.match(notSocket.stderr, /file\.sock is not a socket, so not an emperor's control socket/);
    assert.ok(!notSocket.stderr.includes('secret'));
    const masterLike = await serve('master.sock', () => ({ version: '0.1.0', workers: [] }));
    assert.match((await uwemperor(['ls', '--control', masterLike])).stderr, /is a master's stats socket, not an emperor's/);
    const garbage = await serve('garbage.sock', () => ({ hello: 'world' }));
    assert.match((await uwemperor(['stats', '--control', garbage])).stderr, /answered with JSON that is not an emperor's statistics document/);
  });

  it('a socket the user may not open: permission denied, said as such', { skip: process.getuid?.() !== 0 && 'needs root to run as nobody' }, async () => {
    const build = readableBuild(dir);
    const control = await serve('private.sock', () => threeVassals()); // 0600, root's
    chmodSync(dir.path, 0o755);
    const bin = build.uwBin.replace(/uw\.js$/, 'uwemperor.js');
    const { code, stderr } = await uwemperor(['ls', '--control', control], { bin, prefix: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] });
    assert.equal(code, 1);
    assert.equal(stderr, `uwemperor ls: cannot connect to ${control}: permission denied (the emperor runs as another user?)\n`);
  });

  it('usage mistakes exit 2 and name the option', async () => {
    const { code, stderr } = await uwemperor(['ls', '--jsn']);
    assert.equal(code, 2);
    assert.equal(stderr, "uwemperor ls: Unknown option '--jsn' (see uwemperor ls --help) [UW_USAGE]\n");
    const help = await uwemperor(['top', '--help']);
    assert.match(help.stdout, /^usage: uwemperor top \[--control PATH\]/);
  });
});
