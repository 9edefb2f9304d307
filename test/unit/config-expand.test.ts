// Magic variables, $(ENV) and %(name) placeholders: one pass, loops caught.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandValue, referencedNames, type ExpandContext } from '../../src/config/expand.js';
import { magicTable } from '../../src/config/magic.js';
import { placeholderTable } from '../../src/config/placeholders.js';
import type { RawEntry } from '../../src/config/raw-entry.js';
import { UwError } from '../../src/errors.js';

const FACTS = { hostname: 'box', cpus: 8, uid: 1000, gid: 100, nowMs: 1_700_000_000_123 };
const F = '/etc/uw/app.ini';

function entry(key: string, value: string | true, file = F): RawEntry {
  return { key, value, file };
}

function context(entries: RawEntry[], env: NodeJS.ProcessEnv = {}): ExpandContext {
  return { magic: magicTable({ path: F, section: undefined }, FACTS, '/cwd', 'app.ini'), env, placeholders: placeholderTable(entries) };
}

function rejects(code: string, fragment: string, file: string, key: string): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof UwError);
    assert.equal(err.code, code);
    assert.ok(err.message.includes(fragment), err.message);
    assert.equal(err.file, file);
    assert.equal(err.key, key);
    return true;
  };
}

describe('magicTable', () => {
  it('describes the vassal file and the host', () => {
    const magic = magicTable({ path: '/etc/uw/app.ini', section: 'web' }, FACTS, '/cwd', 'ignored');
    assert.deepEqual(magic, {
      n: 'app', p: '/etc/uw/app.ini', d: '/etc/uw/', s: 'app.ini', e: 'ini', c: 'uw', x: '/etc/uw/app.ini:web',
      h: 'box', k: '8', u: '1000', g: '100', t: '1700000000', T: '1700000000123',
    });
  });

  it('falls back to the name and cwd without a file', () => {
    const magic = magicTable(undefined, FACTS, '/', 'uw');
    assert.equal(magic.n, 'uw');
    assert.equal(magic.d, '/');
    assert.equal(magic.p, '');
    assert.equal(magic.x, '');
  });
});

describe('expandValue', () => {
  it('expands magic, env and placeholders in one pass', () => {
    const ctx = context([entry('port', '8080'), entry('set-ph', 'host = 10.0.0.1')], { HOME: '/home/me' });
    const where = entry('pidfile', '');
    assert.equal(expandValue('%d%n-%(host):%(port).pid', where, ctx), '/etc/uw/app-10.0.0.1:8080.pid');
    assert.equal(expandValue('$(HOME)/x', where, ctx), '/home/me/x');
    assert.equal(expandValue('100%% %Z %%(port) %( $(', where, ctx), '100% %Z %(port) %( $(');
  });

  it('expands placeholders recursively; the last definition wins; bare and alias keys work', () => {
    const ctx = context([
      entry('a', '1'), entry('a', '%(b)-x'), entry('set-placeholder', 'b=%(c)%n'), entry('c', 'C'),
      entry('vacuum', true), entry('workers', '3'),
    ]);
    const where = entry('env', '');
    assert.equal(expandValue('%(a)', where, ctx), 'Capp-x');
    assert.equal(expandValue('%(vacuum) %(processes)', where, ctx), 'true 3');
  });

  it('inserted text is never expanded again', () => {
    const ctx = context([entry('a', '%%(b)')], { X: '%(a)' });
    assert.equal(expandValue('$(X) %(a)', entry('env', ''), ctx), '%(a) %(b)');
  });

  it('names the entry for an unset env variable or unknown placeholder', () => {
    const ctx = context([entry('p', '$(NOPE)', '/other.ini')]);
    assert.throws(() => expandValue('$(MISSING)', entry('chdir', ''), ctx), rejects('UW_CONFIG_PLACEHOLDER', 'environment variable "MISSING" is not set', F, 'chdir'));
    assert.throws(() => expandValue('%(ghost)', entry('chdir', ''), ctx), rejects('UW_CONFIG_PLACEHOLDER', 'placeholder %(ghost) has no value', F, 'chdir'));
    // an error inside a placeholder's value points where that value was written
    assert.throws(() => expandValue('%(p)', entry('chdir', ''), ctx), rejects('UW_CONFIG_PLACEHOLDER', '"NOPE"', '/other.ini', 'p'));
  });

  it('detects loops and names the chain', () => {
    const ctx = context([entry('a', '%(b)'), entry('b', 'x%(a)')]);
    assert.throws(() => expandValue('%(a)', entry('env', ''), ctx), rejects('UW_CONFIG_PLACEHOLDER', 'placeholder loop: %(a) -> %(b) -> %(a)', F, 'b'));
  });

  it('refuses set-ph without name=value', () => {
    assert.throws(() => placeholderTable([entry('set-ph', 'novalue')]), rejects('UW_CONFIG_INVALID_VALUE', 'expected name=value, got "novalue"', F, 'set-ph'));
    assert.throws(() => placeholderTable([entry('set-ph', true)]), rejects('UW_CONFIG_INVALID_VALUE', 'expected name=value', F, 'set-ph'));
  });
});

describe('referencedNames', () => {
  it('lists %(name) but not %%(name)', () => {
    assert.deepEqual(referencedNames('%(a) %%(b) %(c)%d $(E)'), ['a', 'c']);
  });
});
