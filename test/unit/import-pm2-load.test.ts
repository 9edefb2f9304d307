// Ecosystem files in every form PM2 reads, the one clear line for a file that
// cannot be used, and how a script without a known extension is told apart.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { mkdirSync } from 'node:fs';
import { EcosystemError, loadEcosystem } from '../../src/cli/import-pm2-load.js';
import { probeScript } from '../../src/cli/import-pm2-probe.js';
import { TempDir } from '../helpers/temp-dir.js';

const dir = new TempDir();
after(() => dir.remove());

const APP = { name: 'a', script: 'a.js' };

describe('import-pm2: reading the ecosystem file', () => {
  it('imports CommonJS, .cjs arrays and ESM default exports', async () => {
    const cjs = dir.write('ecosystem.config.js', `module.exports = { apps: [${JSON.stringify(APP)}], deploy: {} };`);
    assert.deepEqual(await loadEcosystem(cjs), { apps: [APP], otherKeys: ['deploy'] });
    const array = dir.write('ecosystem.config.cjs', `module.exports = [${JSON.stringify(APP)}];`);
    assert.deepEqual(await loadEcosystem(array), { apps: [APP], otherKeys: [] });
    const esm = dir.write('ecosystem.config.mjs', `export default { apps: [${JSON.stringify(APP)}] };`);
    assert.deepEqual(await loadEcosystem(esm), { apps: [APP], otherKeys: [] });
  });

  it('parses JSON and YAML, and takes one app object as a list of one', async () => {
    assert.deepEqual(await loadEcosystem(dir.write('pm2.json', JSON.stringify({ apps: [APP] }))), { apps: [APP], otherKeys: [] });
    assert.deepEqual(await loadEcosystem(dir.write('pm2.yaml', 'apps:\n  - name: a\n    script: a.js\n')), { apps: [APP], otherKeys: [] });
    assert.deepEqual(await loadEcosystem(dir.write('one.yml', 'name: a\nscript: a.js\n')), { apps: [APP], otherKeys: [] });
  });

  it('names the file and the problem in one line', async () => {
    const cases: Array<[string, RegExp]> = [
      [dir.file('missing.config.js'), /missing\.config\.js: cannot read it: no such file$/],
      [dir.file('missing.json'), /missing\.json: cannot read it: ENOENT$/],
      [dir.write('broken.config.js', 'module.exports = { apps: [ };'), /broken\.config\.js: cannot load it: SyntaxError: /],
      [dir.write('throws.config.js', 'throw new Error("no config for you");'), /throws\.config\.js: cannot load it: no config for you$/],
      [dir.write('broken.json', '{ "apps": [ }'), /broken\.json: not valid JSON: /],
      [dir.write('broken.yaml', 'apps: [\n'), /broken\.yaml: not valid YAML: /],
      [dir.write('pm2.toml', ''), /pm2\.toml: expected a \.js, \.cjs, \.mjs, \.json, \.yaml or \.yml ecosystem file$/],
      [dir.write('noapps.json', '{ "deploy": {} }'), /noapps\.json: no "apps" key/],
      [dir.write('number.json', '42'), /number\.json: expected \{ apps: \[\.\.\.\] \}, an array of apps or one app, found number$/],
    ];
    for (const [file, expected] of cases) {
      await assert.rejects(loadEcosystem(file), (err: unknown) => {
        assert.ok(err instanceof EcosystemError, `${file}: ${String(err)}`);
        assert.match(err.message, expected);
        assert.doesNotMatch(err.message, /\n/);
        return true;
      });
    }
  });
});

describe('import-pm2: a script without a known extension', () => {
  it('runs text under Node (as PM2 does), a binary or a non-node #! as a program', () => {
    mkdirSync(dir.file('adir'));
    assert.equal(probeScript(dir.write('www', "const app = require('../app');\n")), 'node');
    assert.equal(probeScript(dir.write('cli', '#!/usr/bin/env node\nconsole.log(1);\n')), 'node');
    assert.equal(probeScript(dir.write('run', '#!/bin/sh\nexec server\n')), 'program');
    assert.equal(probeScript(dir.write('elf', '\x7fELF\0\0\0')), 'program');
    assert.equal(probeScript(dir.file('none')), 'missing');
    assert.equal(probeScript(dir.file('adir')), 'missing');
  });
});
