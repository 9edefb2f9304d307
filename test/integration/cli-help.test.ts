// What the two commands say about themselves: --help lists every option of
// the catalogue it reads, and --version prints package.json's version.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { OPTIONS } from '../../src/config/options.js';
import { EMPEROR_OPTIONS } from '../../src/emperor/emperor-options.js';
import { EMPEROR_BIN, REPO_ROOT, UW_BIN } from '../helpers/paths.js';

const run = (bin: string, args: readonly string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 10_000 });
const version = (JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as { version: string }).version;

describe('--help and --version', () => {
  for (const [name, bin, options] of [['uw', UW_BIN, OPTIONS], ['uwemperor', EMPEROR_BIN, EMPEROR_OPTIONS]] as const) {
    test(`${name} --help lists every option with its description`, () => {
      const { status, stdout } = run(bin, ['--help']);
      assert.equal(status, 0);
      for (const [option, spec] of Object.entries(options as Record<string, { readonly doc: string }>)) {
        assert.match(stdout, new RegExp(`^  --${option} +${spec.doc.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'), `--${option} is missing`);
      }
    });

    test(`${name} --version prints package.json's version and exits 0`, () => {
      const { status, stdout, stderr } = run(bin, ['--version']);
      assert.equal(stderr, '');
      assert.equal(status, 0);
      assert.equal(stdout, `${version}\n`);
    });
  }

  test('uwemperor import-pm2 --help says how it works, and that a .js ecosystem file runs', () => {
    const { status, stdout } = run(EMPEROR_BIN, ['import-pm2', '--help']);
    assert.equal(status, 0);
    assert.match(stdout, /^usage: uwemperor import-pm2 ECOSYSTEM \[--out DIR\] \[--env NAME\] \[--force\]$/m);
    assert.match(stdout, /loaded by running it/);
    for (const flag of ['--out DIR', '--env NAME', '--force']) assert.match(stdout, new RegExp(`^  ${flag} `, 'm'));
    assert.match(run(EMPEROR_BIN, ['--help']).stdout, /uwemperor import-pm2 ECOSYSTEM/);
  });
});
