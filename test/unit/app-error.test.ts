import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { appErrorLine } from '../../src/ipc/protocol.js';
import { describeAppError } from '../../src/worker/app-error.js';

const dir = mkdtempSync(join(tmpdir(), 'uw-app-error-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function importError(name: string, source: string): Promise<{ path: string; err: unknown }> {
  const path = join(dir, name);
  writeFileSync(path, source);
  try {
    await import(pathToFileURL(path).href);
  } catch (err) {
    return { path, err };
  }
  throw new Error(`${name} imported without an error`);
}

describe('app errors', () => {
  test('a throw at import: its type, the file and line it came from, and the stack', async () => {
    const { path, err } = await importError('throws.mjs', '\n\nthrow new TypeError("no database");\n');
    const error = describeAppError(err, path);
    assert.equal(error.errorType, 'TypeError');
    assert.equal(error.message, 'no database');
    assert.equal(error.file, path);
    assert.equal(error.line, 3);
    assert.match(error.stack ?? '', /throws\.mjs:3/);
    assert.equal(appErrorLine(error), `TypeError at ${path}:3: no database`);
  });

  test('a syntax error, whose stack has no place, is placed by node --check', async () => {
    const { path, err } = await importError('syntax.mjs', 'export default 1;\nconst x = ;\n');
    const error = describeAppError(err, path);
    assert.equal(error.errorType, 'SyntaxError');
    assert.equal(error.file, path);
    assert.equal(error.line, 2);
  });

  test('a missing import keeps its code in the type; something not an Error is its text', async () => {
    const { path, err } = await importError('missing.mjs', 'import "./nope.mjs";\n');
    assert.equal(describeAppError(err, path).errorType, 'Error [ERR_MODULE_NOT_FOUND]');
    assert.deepEqual(describeAppError('plain string', path), { message: 'plain string' });
  });
});
