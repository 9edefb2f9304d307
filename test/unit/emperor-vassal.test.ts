import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { beforeEach, test } from 'node:test';
import { pino } from 'pino';
import type { Fingerprint } from '../../src/emperor/fingerprint.js';
import { MASTER_EXIT_MARGIN_MS } from '../../src/emperor/master-mercy.js';
import { DEFAULT_RESTART_POLICY } from '../../src/emperor/restart-policy.js';
import { Vassal } from '../../src/emperor/vassal.js';
import { masterDocument } from '../../src/master/stats-document.js';
import { FakeChild } from './emperor-fake-child.js';
import { settleAsync, VirtualClock } from './emperor-virtual-clock.js';

const FP: Fingerprint = { ino: 1n, size: 1n, mtimeNs: 1n };
let clock: VirtualClock;
let children: FakeChild[];
let jobs: (() => Promise<void>)[];
let lines: Record<string, unknown>[];
let stops: { child: ChildProcess; graceMs: number; ask: boolean | undefined }[];
let stopped: number;

function makeVassal(isStopped?: (pid: number) => boolean, zergOf?: string): Vassal {
  const logger = pino({ level: 'debug', base: { vassal: 'app.ini' } }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return new Vassal('app.ini', '/v/app.ini', FP, {
    clock,
    logger,
    policy: DEFAULT_RESTART_POLICY,
    reloadMercyMs: 30_000,
    startSlotMs: 30_000,
    enqueueStart: (job) => jobs.push(job),
    spawnMaster: () => {
      const child = new FakeChild();
      children.push(child);
      return child as unknown as ChildProcess;
    },
    stopMaster: (child, graceMs, _onEscalate, ask) => {
      stops.push({ child, graceMs, ask });
      return Promise.resolve();
    },
    onStopped: () => void stopped++,
    ...(isStopped && { isStopped }),
    ...(zergOf !== undefined && { zergOf }),
  });
}

/** Run every queued start job (the start queue's part). */
function runJobs(): Promise<void>[] {
  return jobs.splice(0).map((job) => job());
}

const states = () => lines.filter((line) => line.msg === 'vassal state').map((line) => `${String(line.from)}->${String(line.to)}`);

beforeEach(() => {
  clock = new VirtualClock();
  children = [];
  jobs = [];
  lines = [];
  stops = [];
  stopped = 0;
});

test('spawned is not ready: ready comes over IPC, and the start slot is held until then', async () => {
  const vassal = makeVassal();
  assert.equal(children.length, 0, 'nothing spawns before the queue runs the job');
  let released = false;
  void runJobs()[0]?.then(() => (released = true));
  assert.equal(children.length, 1);
  assert.equal(vassal.status().masterPid, children[0]?.pid);
  await settleAsync();
  assert.equal(released, false);
  children[0]?.emit('message', { type: 'master-ready', pid: children[0].pid, generation: 1 });
  await settleAsync();
  assert.equal(released, true);
  assert.equal(vassal.state, 'ready');
  assert.deepEqual(states(), ['null->starting', 'starting->ready']);
  const line = lines.find((l) => l.msg === 'vassal state' && l.to === 'ready');
  assert.equal(line?.vassal, 'app.ini');
  assert.equal(line?.masterPid, children[0]?.pid);
});

test('a master that keeps dying before ready backs off 1 s, then 2 s, on the clock', async () => {
  const vassal = makeVassal();
  void runJobs();
  children[0]?.exit(1);
  assert.equal(vassal.state, 'backoff');
  await clock.advance(999);
  assert.equal(jobs.length, 0);
  await clock.advance(1);
  assert.equal(vassal.state, 'starting');
  void runJobs();
  children[1]?.exit(1);
  await clock.advance(1_999);
  assert.equal(jobs.length, 0);
  await clock.advance(1);
  assert.equal(jobs.length, 1);
  const delays = lines.filter((l) => l.to === 'backoff').map((l) => l.delayMs);
  assert.deepEqual(delays, [1_000, 2_000]);
});

test('a touch during back-off cancels the timer and starts at once', () => {
  const vassal = makeVassal();
  void runJobs();
  children[0]?.exit(1);
  vassal.handle({ type: 'file-changed' });
  assert.equal(jobs.length, 1);
  assert.equal(clock.pending, 0, 'the back-off timer is gone');
  void runJobs();
  assert.equal(children.length, 2);
});

test('file change while ready sends SIGHUP; removal stops with the mercy period, then forgets', () => {
  const vassal = makeVassal();
  void runJobs();
  const child = children[0];
  child?.emit('message', { type: 'master-ready' });
  vassal.handle({ type: 'file-changed' });
  assert.deepEqual(child?.signals, ['SIGHUP']);
  child?.emit('message', { type: 'master-reloaded', generation: 2, ok: true, durationMs: 3 });
  assert.equal(vassal.state, 'ready');
  vassal.handle({ type: 'file-removed' });
  assert.equal(stops.length, 1);
  assert.equal(stops[0]?.graceMs, 30_000);
  assert.equal(stopped, 0);
  child?.exit(0);
  assert.equal(stopped, 1);
  assert.equal(vassal.state, 'stopped');
});

test('a queued start that is no longer wanted does not spawn', () => {
  const vassal = makeVassal();
  vassal.handle({ type: 'file-removed' });
  assert.equal(vassal.state, 'stopped');
  void runJobs();
  assert.equal(children.length, 0);
});

test('master-error then exit 2: broken, with the message in the state line', () => {
  const vassal = makeVassal();
  void runJobs();
  children[0]?.emit('message', { type: 'master-error', code: 'UW_CONFIG_INVALID_VALUE', message: 'config error in app.ini: bad' });
  children[0]?.exit(2);
  assert.equal(vassal.state, 'broken');
  const line = lines.find((l) => l.to === 'broken');
  assert.equal(line?.error, 'config error in app.ini: bad');
  assert.equal(vassal.status().error, 'config error in app.ini: bad');
});

test('stats: a request goes over IPC and the reply resolves it; no answer gives null after the timeout', async () => {
  const vassal = makeVassal();
  void runJobs();
  const child = children[0];
  const answered = vassal.requestStats(1_000);
  const request = child?.sent[0] as { type: string; id: number };
  assert.equal(request.type, 'stats-request');
  // as a real master builds it: the emperor checks every field
  const stats = masterDocument({ version: '0.1.0', vassal: 'app.ini', pid: 1, uid: 0, gid: 0, cwd: '/', generation: 1, paused: false, masterRss: 0, startedAt: 0, sockets: [], workers: [], retired: { requests: 3, exceptions: 0 } });
  child?.emit('message', { type: 'master-stats', id: request.id, stats });
  assert.deepEqual(await answered, stats);
  const unanswered = vassal.requestStats(1_000);
  await clock.advance(1_000);
  assert.equal(await unanswered, null);
});

test('uptime counts from the spawn, on the injected clock', async () => {
  const vassal = makeVassal();
  void runJobs();
  await clock.advance(1_500);
  assert.equal(vassal.status().uptimeMs, 1_500);
});

test('workers failing over IPC: failing with the error in the state line and status; a file change sends SIGHUP at once', () => {
  const vassal = makeVassal();
  void runJobs();
  const child = children[0];
  child?.emit('message', { type: 'workers-failing', error: 'worker 1 exited with code 1 before it was ready: Error: boom', failures: 3, retryInMs: 800 });
  assert.equal(vassal.state, 'failing');
  const line = lines.find((l) => l.to === 'failing');
  assert.equal(line?.level, 50);
  assert.match(String(line?.error), /boom/);
  assert.match(String(vassal.status().error), /boom/);
  vassal.handle({ type: 'file-changed' });
  assert.deepEqual(child?.signals, ['SIGHUP']);
  child?.emit('message', { type: 'master-reloaded', generation: 2, ok: true, durationMs: 3 });
  assert.equal(vassal.state, 'ready');
  assert.equal(vassal.status().error, null);
});

test('a failed reload: reloadFailed in the state line and the status until a reload succeeds', () => {
  const vassal = makeVassal();
  void runJobs();
  const child = children[0];
  child?.emit('message', { type: 'master-ready' });
  vassal.handle({ type: 'file-changed' });
  child?.emit('message', { type: 'master-reloaded', generation: 2, ok: false, durationMs: 3, reason: 'config error in app.ini: bad' });
  assert.equal(lines.at(-1)?.reloadFailed, 'config error in app.ini: bad');
  assert.equal(vassal.status().reloadFailed, 'config error in app.ini: bad');
  vassal.handle({ type: 'file-changed' });
  child?.emit('message', { type: 'master-reloaded', generation: 2, ok: true, durationMs: 3 });
  assert.equal(vassal.status().reloadFailed, null);
});

test('paused: the master says so over IPC; a SIGSTOPped master is seen as paused in the status', () => {
  let sigstopped = false;
  const vassal = makeVassal((pid) => sigstopped && pid === children[0]?.pid);
  void runJobs();
  const child = children[0];
  child?.emit('message', { type: 'master-ready' });
  child?.emit('message', { type: 'master-paused' });
  assert.equal(vassal.status().state, 'paused');
  child?.emit('message', { type: 'master-resumed' });
  assert.equal(vassal.status().state, 'ready');
  sigstopped = true;
  assert.equal(vassal.status().state, 'paused');
  assert.equal(vassal.state, 'ready', 'the machine is not changed by a look at /proc');
});

test('a master is stopped with the mercy it reported plus the margin: from its start on, the latest one winning', () => {
  const starting = makeVassal();
  void runJobs();
  const first = children[0];
  assert.ok(first);
  first.emit('message', { type: 'master-started', pid: first.pid, reloadMercyMs: 120_000 });
  starting.handle({ type: 'file-removed' });
  const reloaded = makeVassal();
  void runJobs();
  const second = children[1];
  assert.ok(second);
  second.emit('message', { type: 'master-started', pid: second.pid, reloadMercyMs: 20_000 });
  second.emit('message', { type: 'master-ready', pid: second.pid, generation: 1 });
  second.emit('message', { type: 'master-reloading', generation: 2 });
  second.emit('message', { type: 'master-reloaded', generation: 2, ok: true, durationMs: 5, reloadMercyMs: 90_000 });
  reloaded.handle({ type: 'file-removed' });
  assert.deepEqual(stops.map((stop) => stop.graceMs), [120_000 + MASTER_EXIT_MARGIN_MS, 90_000 + MASTER_EXIT_MARGIN_MS]);
});

test('an idle zerg instance stopping by itself gets no signal, but the same mercy before SIGKILL', async () => {
  const vassal = makeVassal(undefined, 'app.ini');
  void runJobs();
  children[0]?.emit('message', { type: 'master-ready', pid: children[0].pid, generation: 1 });
  await settleAsync();
  children[0]?.emit('message', { type: 'master-idle' });
  await settleAsync();
  assert.equal(vassal.state, 'stopping');
  assert.equal(stops.length, 1, 'a stop limit is armed');
  assert.equal(stops[0]?.ask, false, 'without SIGINT: a second one would make its stop brutal');
  assert.ok((stops[0]?.graceMs ?? 0) >= 30_000);
});
