// A master that speaks junk on its IPC channel (hostile-master.mjs: not-JSON
// lines, Node-internal messages out of protocol, messages of the wrong shape,
// a flood, a message that never ends) cannot take down the emperor, which may
// be root: the junk is dropped and reported a bounded number of times, the
// channel keeps working, a never-ending message kills that master, and a
// well-behaved vassal beside it is untouched.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, afterEach, test } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { killAll } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { FAKE_MASTER, startEmperor, waitForState } from './emperor-harness.js';

const HOSTILE = `${FIXTURES}emperor/hostile-master.mjs`;
const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

test('junk on a master\'s channel is dropped (reported at most once per 10 s), the emperor and the other vassals keep running', async () => {
  dir.write('junk.ini', 'mode = junk\n');
  dir.write('huge.ini', 'mode = huge\n');
  dir.write('good.ini', 'mode = ready\n');
  // the hostile bin for every vassal but good.ini: a wrapper picks the fake for that one
  const bin = dir.write('bin.mjs', `const file = process.argv.at(-1);\nawait import(file.endsWith('good.ini') ? ${JSON.stringify(FAKE_MASTER)} : ${JSON.stringify(HOSTILE)});\n`);
  const emperor = startEmperor(['--master-bin', bin, dir.path], { fake: false });
  await waitForState(emperor, 'good.ini', 'ready');
  // after all its junk, junk.ini's valid master-ready still gets through
  await waitForState(emperor, 'junk.ini', 'ready', 1, 30_000);
  const dropped = emperor.find('master message dropped', { vassal: 'junk.ini' });
  assert.equal(dropped.length, 1, 'one report for the whole burst (the next may come 10 s later)');
  assert.deepEqual([dropped[0]?.why, dropped[0]?.dropped], ['a line that is not JSON', 1]);
  // the message that never ends: the master is killed, the emperor's buffer emptied
  const killed = await emperor.waitForLog('master message too long: master killed', { vassal: 'huge.ini' }, 1, 30_000);
  assert.ok(Number(killed.chars) > 16 * 1024 * 1024);
  await emperor.waitForLog('master exited', { vassal: 'huge.ini', signal: 'SIGKILL' });
  assert.equal(emperor.child.exitCode, null, 'the emperor is still running');
  assert.equal(emperor.find('vassal state', { vassal: 'good.ini' }).length, 2, 'good.ini: starting, ready, nothing more');
  assert.equal(emperor.find('master spawned', { vassal: 'good.ini' }).length, 1);
});

test('a valid message in the same write as junk is delivered, and the junk reported once', async () => {
  dir.write('mixed.ini', 'mode = mixed\n');
  const emperor = startEmperor(['--master-bin', HOSTILE, dir.path], { fake: false });
  // Node's channel drops the rest of a read at a junk line: the master-ready came in that read
  await waitForState(emperor, 'mixed.ini', 'ready', 1, 30_000);
  const dropped = emperor.find('master message dropped', { vassal: 'mixed.ini' });
  assert.deepEqual(dropped.map((line) => [line.why, line.dropped]), [['a line that is not JSON', 1]]);
  assert.equal(emperor.find('master spawned', { vassal: 'mixed.ini' }).length, 1);
});

test('descriptors a master sends with ordinary lines are closed by the emperor, not kept (500 sent)', async () => {
  dir.write('fds.ini', 'mode = fds\n');
  const emperor = startEmperor(['--master-bin', HOSTILE, dir.path], { fake: false });
  const pid = emperor.child.pid as number;
  // the master-ready comes after all 500 descriptors
  await waitForState(emperor, 'fds.ini', 'ready', 1, 30_000);
  const done = await emperor.waitForLog('hostile master done', { vassal: 'fds.ini' });
  assert.equal(done.status, 0, 'python sent every descriptor');
  const open = (): number => readdirSync(`/proc/${pid}/fd`).length;
  await waitFor(`the emperor's descriptors back under 100 (${open()})`, () => (open() < 100 ? true : undefined), 10_000);
  assert.equal(emperor.child.exitCode, null, 'the emperor is still running');
});
