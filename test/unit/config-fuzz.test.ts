// The short form of the config fuzzer (the long one is `npm run fuzz`): a few
// thousand seeded random and mutated vassal files against the real loader;
// each loads or fails with a config error naming a file, in one line, in time,
// never quoting a file it may not show. FUZZ_SEED replays another seed.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fuzzConfigs } from '../helpers/config-fuzz-run.js';
import { TempDir } from '../helpers/temp-dir.js';

const dir = new TempDir();
after(() => dir.remove());
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const RUNS = 2_000;

describe('config fuzzing (short form)', () => {
  it(`loads ${RUNS} random and mutated files (seed ${SEED}) with only config errors`, { timeout: 120_000 }, async () => {
    const report = await fuzzConfigs({ seed: SEED, runs: RUNS, dir: dir.path });
    // the inputs reach past the parsers: some load, and the schema's checks are hit
    assert.ok(report.loaded > 0, JSON.stringify(report));
    for (const code of ['UW_CONFIG_SYNTAX', 'UW_CONFIG_FORMAT', 'UW_CONFIG_UNKNOWN_OPTION', 'UW_CONFIG_INVALID_VALUE', 'UW_CONFIG_PLACEHOLDER']) {
      assert.ok((report.errors[code] ?? 0) > 0, `no ${code}: ${JSON.stringify(report)}`);
    }
  });
});
