// The short form of the chaos run (npm run chaos is the long one): a real
// uwemperor on 4 vassals under HTTP load, ~30 s of seeded random SIGKILLs of
// workers, masters and the emperor itself; every check of bench/chaos-run.ts
// must pass: vassals ready again within the bound, only requests in flight on a
// killed process failed, descriptors back to their baselines, no orphan, no zombie.
import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { runChaos } from '../../bench/chaos-run.js';
import { formatChaos } from '../../bench/chaos-summary.js';
import { stopEverything } from '../../bench/lib/process-set.js';

after(() => stopEverything());

it('survives SIGKILLs of workers, masters and the emperor under load', { timeout: 240_000 }, async (t) => {
  const seed = Number(process.env.CHAOS_SEED ?? 13);
  const result = await runChaos({
    seed,
    durationMs: Number(process.env.CHAOS_DURATION ?? 30) * 1_000,
    modules: 3,
    // light: the suite shares 2 cores with other test files
    load: { keepAlive: 2, fresh: 1, gapMs: 10, timeoutMs: 30_000 },
    recoveryBoundMs: 45_000,
    progress: (message) => t.diagnostic(message),
  });
  const summary = formatChaos(result);
  for (const line of summary.split('\n')) t.diagnostic(line);
  assert.deepEqual(result.problems, [], summary);
  for (const kind of ['worker', 'master', 'emperor'] as const) assert.ok(result.kills.some((kill) => kill.kind === kind), `no ${kind} was killed:\n${summary}`);
  assert.ok(result.ledger.ok > 300, `too few requests served to mean anything:\n${summary}`);
  assert.equal(result.end.left.length + result.end.marked.length, 0);
});
