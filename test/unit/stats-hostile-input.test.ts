// What a hostile vassal app can put into the statistics, and what reaches the
// operator: counts it cannot trust are dropped by the master, escape sequences
// never reach a terminal, a live socket behind a full backlog is never removed.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { lstatSync } from 'node:fs';
import { parseWorkerActivity } from '../../src/ipc/protocol.js';
import { startStatsServer } from '../../src/stats/stats-server.js';
import { controlTarget, readEmperorStats } from '../../src/cli/read-emperor-stats.js';
import { removeStaleSocket, SocketInUseError } from '../../src/process/stale-socket.js';
import { TempDir } from '../helpers/temp-dir.js';
import { PYTHON } from '../helpers/paths.js';

const dir = new TempDir();
const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
  dir.remove();
});

const activity = { requests: 3, exceptions: 0, tx: 10, avgRtUs: 5, runningTimeUs: 15, inflight: 0 };

describe('hostile statistics input', () => {
  it('the master trusts only finite, non-negative counts, and cuts a long request line', () => {
    assert.deepEqual(parseWorkerActivity(activity), activity);
    for (const bad of [{ ...activity, requests: -5 }, { ...activity, tx: Number.NaN }, { ...activity, inflight: '1' }, null, 'x']) {
      assert.equal(parseWorkerActivity(bad), null, JSON.stringify(bad));
    }
    const long = parseWorkerActivity({ ...activity, current: { request: `GET /${'a'.repeat(5000)}`, since: 1 } });
    assert.equal(long?.current?.request.length, 256);
  });

  it('escape sequences in a vassal\'s strings never reach the terminal', async () => {
    const path = dir.file('control.sock');
    const evil = '\u001b]0;PWNED\u0007\u001b[2J boom\u009b';
    const doc = { version: 't', pid: 1, uid: 0, gid: 0, cwd: '/', emperor: [], emperor_tyrant: 0, throttle_level: 0, blacklist: [], collected_ms: Date.now(), vassals: [{ id: `app${evil}.ini`, error: `crash\n${evil}` }] };
    const server = await startStatsServer({ address: { type: 'unix', path }, option: 'control', file: '' }, { document: () => Promise.resolve(doc), metrics: () => Promise.resolve('') }, () => undefined);
    cleanups.push(() => server.close());
    const read = await readEmperorStats(controlTarget(path));
    const text = JSON.stringify(read);
    // eslint-disable-next-line no-control-regex -- looking for control characters
    assert.doesNotMatch(`${read.vassals[0]?.id ?? ''}${read.vassals[0]?.error ?? ''}`, /[\u0000-\u001f\u007f-\u009f]/);
    assert.match(text, /crash \?\]0;PWNED\?\?\[2J boom\?/);
  });

  it('a live socket whose backlog is full is in use, not stale', async () => {
    const path = dir.file('full.sock');
    const script = [
      'import socket, sys, time',
      's = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(0)',
      'held = []',
      'for _ in range(8):',
      '    c = socket.socket(socket.AF_UNIX); c.setblocking(False)',
      '    try: c.connect(sys.argv[1])',
      '    except OSError: pass',
      '    held.append(c)',
      'print("ready", flush=True); time.sleep(30)',
    ].join('\n');
    const child = spawn(PYTHON, ['-c', script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => child.kill('SIGKILL'));
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`python3 exited ${code}`)));
    });
    await assert.rejects(removeStaleSocket(path), (err: unknown) => err instanceof SocketInUseError);
    assert.ok(lstatSync(path).isSocket(), 'the live socket is still there');
  });
});
