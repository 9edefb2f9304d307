// The README's option table and error table stay in step with the catalogues.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OPTIONS } from '../../src/config/options.js';
import { ERROR_CODES, TRANSIENT_ERROR_CODES } from '../../src/errors.js';
import { REPO_ROOT } from '../helpers/paths.js';

const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
const tableKeys = (header: string): string[] => {
  const start = readme.indexOf(header);
  assert.ok(start >= 0, `README has no table starting with ${header}`);
  const rows = readme.slice(start).split('\n\n')[0]?.split('\n').slice(2) ?? [];
  return rows.map((row) => /^\| `([^`]+)` \|/.exec(row)?.[1] ?? `unparsed row: ${row}`);
};

describe('README reference', () => {
  it('documents every vassal option, and no other', () => {
    assert.deepEqual(tableKeys('| option | kind | meaning |').sort(), Object.keys(OPTIONS).sort());
  });

  it('documents every error code, and no other', () => {
    assert.deepEqual(tableKeys('| code | meaning |').sort(), Object.keys(ERROR_CODES).sort());
  });

  it('marks exactly the transient error codes (retried) in the error table', () => {
    const retried = [...readme.matchAll(/^\| `(UW_[A-Z_]+)` \| \(retried\) /gm)].map((match) => match[1]);
    assert.deepEqual(retried.sort(), [...TRANSIENT_ERROR_CODES].sort());
  });
});
