// reload-nice: a worker that a reload starts boots at a lower CPU priority than
// the workers serving meanwhile, and runs at the master's once ready, on every
// thread. The master must run as root to give the priority back.
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { APPS } from '../helpers/paths.js';
import { killAll } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { startMaster } from '../helpers/uw-master.js';
import { waitFor } from '../helpers/wait-for.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

/** The niceness of each thread of `pid` (field 19 of /proc/PID/task/TID/stat). */
function threadNiceness(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

/** The niceness of `pid`'s autogroup (/proc/PID/autogroup: "/autogroup-123 nice 5"). */
function autogroupNice(pid: number): number {
  return Number(/nice (-?\d+)/.exec(readFileSync(`/proc/${pid}/autogroup`, 'utf8'))?.[1]);
}

const AUTOGROUPS = readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1';

/** What reload-nice lowers: with autogroups on, the worker's autogroup (a session of its own), else every thread. */
function niceness(pid: number): number[] {
  return AUTOGROUPS ? [autogroupNice(pid)] : threadNiceness(pid);
}

describe('reload-nice', { skip: process.getuid?.() !== 0 ? 'needs root (the master gives the priority back)' : false }, () => {
  for (const [extra, booting] of [['', 10], ['reload-nice = 5\n', 5], ['reload-nice = 0\n', 0]] as const) {
    it(`a worker booting for a reload runs at niceness ${booting}, then at its own again once ready (${extra.trim() || 'the default'})`, async () => {
      const go = dir.file(`go-${booting}`);
      writeFileSync(go, '');
      const ini = dir.write(`nice-${booting}.ini`, `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}wait-for-file.mjs\nenv = GO_FILE=${go}\nprocesses = 1\n${extra}`);
      const { cli } = await startMaster([ini]);
      const first = Number(cli.find('worker ready')[0]?.workerPid);
      assert.deepEqual([...new Set(niceness(first))], [0]);
      const master = AUTOGROUPS ? autogroupNice(cli.child.pid ?? 0) : 0;
      // the next generation waits for the file: it stays booting as long as the test needs
      rmSync(go);
      cli.child.kill('SIGHUP');
      const spawned = await cli.waitForLog('worker spawned', { generation: 2 });
      const pid = Number(spawned.workerPid);
      await waitFor(`the booting worker at niceness ${booting}`, () => (niceness(pid)[0] === booting ? true : undefined));
      if (AUTOGROUPS) assert.equal(autogroupNice(cli.child.pid ?? 0), master, "the master's autogroup is left alone");
      writeFileSync(go, '');
      await cli.waitForLog('worker ready', { generation: 2 });
      await cli.waitForLog('reload finished');
      assert.deepEqual([...new Set(niceness(pid))], [0], 'back at the niceness it started with');
    });
  }
});
