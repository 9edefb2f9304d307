import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { CODE_CACHE_OUT_ENV } from '../../src/process/cached-script.js';
import { TempDir } from '../helpers/temp-dir.js';

const dir = new TempDir();
after(() => dir.remove());

const LOADER = new URL('../../src/process/cached-script.js', import.meta.url).href;

/**
 * Run `body` with `cache` in a fresh Node (within one process V8 reuses what it compiled, whatever the cache says);
 * returns what the body wrote, then how the cache was used.
 */
function run(body: string, cache: string, env: NodeJS.ProcessEnv = {}): string {
  const script = `const use = (await import(${JSON.stringify(LOADER)})).runWithCodeCache(${JSON.stringify(body)}, ${JSON.stringify(cache)}); process.stdout.write(' ' + use);`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
}

/** A body as the build writes one: a function expression of CommonJS's five parameters, after a hashbang. */
function body(name: string, extra = ''): string {
  return dir.write(`${name}.cjs`, `#!/usr/bin/env node
(function (exports, require, module, __filename, __dirname) { "use strict";
  const { basename } = require('node:path');
  process.stdout.write([basename(__filename), basename(__dirname), this === module.exports, (function () { return this; })()].join(':'));
  ${extra}
})`);
}

test('a body runs as a CommonJS main module, in strict mode, without a cache, with its own, and with one V8 rejects', () => {
  const path = body('app');
  const cache = dir.file('app.v8-cache');
  const ran = `app.cjs:${dir.path.split('/').at(-1)}:true:`;
  assert.equal(run(path, cache), `${ran} none`);
  assert.equal(run(path, cache, { [CODE_CACHE_OUT_ENV]: cache }), `${ran} none`);
  assert.equal(run(path, cache), `${ran} accepted`);
  writeFileSync(cache, Buffer.from('not a code cache at all, but long enough to look like one'.repeat(8)));
  assert.equal(run(path, cache), `${ran} rejected`);
});

test('a cache made for another source at the same path is rejected, and the new source runs', () => {
  const path = body('changed');
  const cache = dir.file('changed.v8-cache');
  run(path, cache, { [CODE_CACHE_OUT_ENV]: cache });
  writeFileSync(path, '(function () { process.stdout.write("the new, longer body"); })');
  assert.equal(run(path, cache), 'the new, longer body rejected');
});

test('the build hook writes the cache when the process exits, atomically, and does not pass its variable on', () => {
  const path = body('recorded', `process.stdout.write(' ' + String(process.env.${CODE_CACHE_OUT_ENV}));`);
  const out = dir.file('recorded.v8-cache');
  assert.match(run(path, out, { [CODE_CACHE_OUT_ENV]: out }), / undefined none$/);
  assert.match(run(path, out), / accepted$/);
  assert.deepEqual(readdirSync(dir.path).filter((name) => name.endsWith('.tmp')), []);
});
