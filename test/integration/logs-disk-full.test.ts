// A log file that stops taking writes (the disk is full) while the vassal
// serves: for real, on a 16 MiB tmpfs mounted in a private mount namespace
// (root and unshare(1) needed; skipped otherwise). The test reaches the
// master's tmpfs through /proc/PID/root to fill it and free it. Checked: the
// failure is reported once on stderr, requests are still answered (even one
// that prints 200 KB, and one that prints more than the master queues: its
// lines beyond the queue are dropped and counted), the stats server answers
// and SIGUSR1 is acted on (its lines are queued and land once there is
// space), and writing resumes with one "writable again" report.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { after, afterEach, describe, it } from 'node:test';
import { readStats } from '../../src/stats/read-stats.js';
import { freePort } from '../helpers/free-port.js';
import { get } from '../helpers/http-client.js';
import { APPS, UW_BIN } from '../helpers/paths.js';
import { TempDir } from '../helpers/temp-dir.js';
import { descendantsOf, isAlive, waitFor } from '../helpers/wait-for.js';

const dir = new TempDir();
const started: ChildProcess[] = [];
after(() => dir.remove());
afterEach(async () => {
  for (const child of started.splice(0)) {
    const family = [child.pid ?? -1, ...descendantsOf(child.pid ?? -1)].filter((pid) => pid > 1);
    for (const pid of family) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await waitFor('the master and its workers to exit', () => (family.some(isAlive) ? undefined : true), 10_000);
  }
});

/** Why the test cannot run here, or null: it needs root and a mount namespace of its own. */
function unavailable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root to mount a tmpfs';
  try {
    execFileSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs -o size=64k tmpfs ${dir.path}`], { stdio: 'ignore' });
    return null;
  } catch {
    return 'unshare --mount or mount -t tmpfs is not permitted here';
  }
}

const skip = unavailable();

/** Fill the file system at `path` until it refuses with ENOSPC. */
function fill(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(4096, 0x66);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

const records = (text: string): Record<string, unknown>[] => text.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);

describe('a log file on a full disk', () => {
  it('is reported once, the app and the master keep answering, and writing resumes once there is space', { skip: skip ?? false }, async () => {
    const mount = dir.file('tmpfs');
    mkdirSync(mount);
    const [port, statsPort] = [await freePort(), await freePort()];
    const config = dir.write('full.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nstats = 127.0.0.1:${statsPort}\nmodule = ${APPS}log-writer.mjs\nenv = LOG_MODE=ids\nlogto = ${mount}/app.log\n`);
    // unshare and sh exec: the child's pid is the master's
    const child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs -o size=16m tmpfs "$1" && exec "$2" "$3" "$4"`, 'sh', mount, process.execPath, UW_BIN, config], { stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(child);
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout?.resume();
    // the master's view of its tmpfs
    const inside = `/proc/${child.pid}/root${mount}`;
    const log = `${inside}/app.log`;
    const logText = (): string => (existsSync(log) ? readFileSync(log, 'utf8') : '');
    await waitFor('the master ready in its log file', () => (logText().includes('"msg":"master ready"') ? true : undefined), 30_000);

    fill(`${inside}/filler`);
    assert.equal((await get({ port }, '/shout')).status, 200, 'a request whose app prints 200 KB is answered');
    await waitFor('the failure on stderr', () => (stderr.includes('log file write failed') ? true : undefined));
    for (let i = 0; i < 20; i++) assert.equal((await get({ port })).status, 200, 'requests are answered while the disk is full');
    const stats = JSON.parse(await readStats({ type: 'tcp', host: '127.0.0.1', port: statsPort })) as { total_requests: number };
    assert.equal(stats.total_requests, 21, 'the stats server answers');
    process.kill(child.pid ?? -1, 'SIGUSR1');
    assert.equal((await get({ port })).status, 200);
    assert.ok(!logText().includes('"msg":"stats"'), 'the disk is still full: nothing written');
    // ~10 MB of records: more than the 8 MiB queue, the rest dropped (nothing new then tries the file: the retry must)
    assert.equal((await get({ port }, '/shout?lines=40000')).status, 200);
    for (let i = 0; i < 5; i++) assert.equal((await get({ port })).status, 200, 'requests are answered with the queue full');

    rmSync(`${inside}/filler`);
    await waitFor('the queued lines written', () => (logText().includes('"msg":"stats"') ? true : undefined), 10_000).catch((err: Error) => {
      throw new Error(`${err.message}; stderr: ${stderr}`);
    });
    await waitFor('the recovery reported', () => (stderr.includes('log file writable again') ? true : undefined));
    assert.equal((await get({ port }, '/after')).status, 200);
    await waitFor('a request line after the recovery', () => (records(logText()).filter((r) => String(r.msg).startsWith('request ')).at(-1)?.time ?? '') > String(records(stderr).at(-1)?.time) ? true : undefined);
    const reports = records(stderr);
    assert.deepEqual(reports.map((r) => r.msg), ['log file write failed; lines are kept up to the queue limit, then dropped and counted', 'log file writable again'], 'reported once, recovered once');
    assert.match(String(reports[0]?.error), /ENOSPC/);
    const written = records(logText());
    const shouts = written.filter((r) => String(r.msg).startsWith('shout ')).length;
    assert.ok(shouts > 2000 && shouts < 42_000, `the first 200 KB queued whole, the 10 MB in part: ${shouts} lines`);
    const recovered = written.filter((r) => r.msg === 'log file writable again');
    assert.equal(recovered.length, 1);
    assert.ok(Number(recovered[0]?.droppedLines) >= 42_000 - shouts, `dropped lines counted: ${String(recovered[0]?.droppedLines)}`);
  });
});
