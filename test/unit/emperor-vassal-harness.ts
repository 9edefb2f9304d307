// A Vassal for unit tests: a virtual clock, fake masters (FakeChild) and a start
// queue the test runs by hand; the deps a test cares about can be overridden.
import type { ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';
import { DEFAULT_RESTART_POLICY } from '../../src/emperor/restart-policy.js';
import { Vassal, type VassalDeps } from '../../src/emperor/vassal.js';
import { FakeChild } from './emperor-fake-child.js';
import type { VirtualClock } from './emperor-virtual-clock.js';

/** The vassal, the masters it spawned (in order) and its queued starts. */
export interface FakeVassal {
  readonly vassal: Vassal;
  readonly children: FakeChild[];
  readonly jobs: (() => Promise<void>)[];
}

/** `app.ini` on `clock`, logging to `logger`; its masters are FakeChild, stopping one resolves at once. */
export function fakeVassal(clock: VirtualClock, logger: Logger, overrides: Partial<VassalDeps> = {}): FakeVassal {
  const children: FakeChild[] = [];
  const jobs: (() => Promise<void>)[] = [];
  const vassal = new Vassal('app.ini', '/v/app.ini', { ino: 1n, size: 1n, mtimeNs: 1n }, {
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
    stopMaster: () => Promise.resolve(),
    onStopped: () => undefined,
    ...overrides,
  });
  return { vassal, children, jobs };
}
