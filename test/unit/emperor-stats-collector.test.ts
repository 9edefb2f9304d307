// The emperor's statistics collection: every master asked at once, a silent one
// listed with answered: false after the deadline, concurrent callers sharing one
// collection, and a result reused for up to a second.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MasterStatsDocument } from '../../src/stats/master-document.js';
import { masterDocument, workerDocument } from '../helpers/master-document.js';
import { EmperorStatsCollector, type StatsSubject } from '../../src/emperor/stats-collector.js';
import { VassalHistory } from '../../src/emperor/stats-vassal-history.js';
import type { VassalStatus } from '../../src/emperor/vassal.js';
import { planTarget } from '../../src/emperor/watch-target.js';
import { VirtualClock } from './emperor-virtual-clock.js';

const reply = (vassal: string, requests: number): MasterStatsDocument => masterDocument({ vassal, workers: [workerDocument({ requests })] });

/** A vassal whose master answers after `answerMs` (never when null), counting requests. */
function subject(clock: VirtualClock, id: string, answerMs: number | null): StatsSubject & { asked: number } {
  const history = new VassalHistory();
  history.spawned(0);
  history.entered('ready', 0);
  const status: VassalStatus = { vassal: id, state: 'ready', masterPid: 42, uptimeMs: 0, stateForMs: 0, failures: 0, error: null, reloadFailed: null };
  const self = {
    asked: 0,
    file: `/v/${id}`,
    fingerprint: { ino: 1n, size: 1n, mtimeNs: 5_000_000_000n },
    status: () => status,
    historySnapshot: () => history.snapshot(),
    requestStats(timeoutMs: number): Promise<MasterStatsDocument | null> {
      self.asked++;
      return new Promise((resolve) => {
        clock.setTimer(timeoutMs, () => resolve(null));
        if (answerMs !== null) clock.setTimer(answerMs, () => resolve(reply(id, self.asked)));
      });
    },
  };
  return self;
}

function collector(clock: VirtualClock, subjects: StatsSubject[]): EmperorStatsCollector {
  return new EmperorStatsCollector({ clock, version: '9.9.9', targets: [planTarget('/v', 'dir')], vassals: () => subjects });
}

test('a master that does not answer within 2 s is listed with answered: false; the others carry their document', async () => {
  const clock = new VirtualClock();
  const subjects = [subject(clock, 'a.ini', 10), subject(clock, 'hung.ini', null)];
  const pending = collector(clock, subjects).collect();
  await clock.advance(1_999);
  let done = false;
  void pending.then(() => (done = true));
  await clock.advance(0);
  assert.equal(done, false, 'waited for the silent master');
  await clock.advance(1);
  const doc = await pending;
  assert.deepEqual(doc.vassals.map((v) => [v.id, v.answered]), [['a.ini', true], ['hung.ini', false]]);
  assert.equal(doc.vassals[0]?.stats?.total_requests, 1);
  assert.equal(doc.vassals[1]?.stats, null);
  assert.equal(doc.vassals[0]?.monitor, '/v');
  assert.equal(doc.vassals[0]?.last_mod, 5);
  assert.equal(doc.version, '9.9.9');
  assert.equal(doc.collected_ms, 2_000);
});

test('concurrent callers share one collection; a result is reused for 1 s, then collected again', async () => {
  const clock = new VirtualClock();
  const one = subject(clock, 'a.ini', 10);
  const stats = collector(clock, [one]);
  const first = Array.from({ length: 50 }, () => stats.collect());
  await clock.advance(10);
  const docs = await Promise.all(first);
  assert.ok(docs.every((doc) => doc === docs[0]));
  assert.equal(one.asked, 1);
  await clock.advance(999);
  assert.equal(await stats.collect(), docs[0], 'reused while under 1 s old');
  assert.equal(one.asked, 1);
  await clock.advance(1);
  const again = stats.collect();
  await clock.advance(10);
  assert.notEqual(await again, docs[0]);
  assert.equal(one.asked, 2);
});

test('a fresh collection (SIGUSR1) does not take the finished one, but joins one under way', async () => {
  const clock = new VirtualClock();
  const one = subject(clock, 'a.ini', 10);
  const stats = collector(clock, [one]);
  const first = stats.collect();
  const joined = stats.collect(true);
  await clock.advance(10);
  assert.equal(await joined, await first);
  assert.equal(one.asked, 1);
  const fresh = stats.collect(true);
  await clock.advance(10);
  assert.notEqual(await fresh, await first);
  assert.equal(one.asked, 2);
});
