// The README's "Moving from PM2" names every attribute import-pm2 translates
// and every one it reports, so the report and the documentation agree.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { TRANSLATED, UNTRANSLATED } from '../../src/cli/import-pm2-attributes.js';
import { REPO_ROOT } from '../helpers/paths.js';

const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
const start = readme.indexOf('### Moving from PM2');
const section = readme.slice(start, readme.indexOf('\n## ', start));

describe('README: Moving from PM2', () => {
  it('names every PM2 attribute import-pm2 knows', () => {
    assert.ok(start >= 0, 'README has a "### Moving from PM2" section');
    const missing = [...TRANSLATED, ...Object.keys(UNTRANSLATED)].filter((name) => !section.includes(`\`${name}\``));
    assert.deepEqual(missing, []);
  });
});
