// The three parsers and file references: ordered entries, bare keys, sections,
// and one-line syntax errors with a line number.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatOf, parseFileRef, refLabel } from '../../src/config/file-ref.js';
import { parseIni } from '../../src/config/parse-ini.js';
import { parseJson } from '../../src/config/parse-json.js';
import { parseYaml } from '../../src/config/parse-yaml.js';
import { sectionEntries } from '../../src/config/section-entries.js';
import { UwError } from '../../src/errors.js';

const F = '/cfg/app.ini';

function isUwError(code: string, fragment: string): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof UwError);
    assert.equal(err.code, code);
    assert.ok(err.message.includes(fragment), err.message);
    assert.ok(!err.message.includes('\n'), 'one line');
    return true;
  };
}

describe('parseIni', () => {
  it('keeps order across keys, repeats, bare keys and literal values', () => {
    const text = [
      '; comment', '# comment', '[uwsgi]', 'env = A=1', 'processes=2', '  vacuum  ', 'env = B=2',
      'exec = sh -c "a; b" # not a comment', 'empty =', '[other]', 'processes = 9',
    ].join('\r\n');
    assert.deepEqual(parseIni(text, ['uwsgi'], F), [
      { key: 'env', value: 'A=1', file: F, position: 'line 4' },
      { key: 'processes', value: '2', file: F, position: 'line 5' },
      { key: 'vacuum', value: true, file: F, position: 'line 6' },
      { key: 'env', value: 'B=2', file: F, position: 'line 7' },
      { key: 'exec', value: 'sh -c "a; b" # not a comment', file: F, position: 'line 8' },
      { key: 'empty', value: '', file: F, position: 'line 9' },
    ]);
    assert.deepEqual(parseIni('[uwsgi]\nx = 1\n', ['uwsgi'], F, true), [{ key: 'x', value: '1', file: F, position: 'line 2', included: true }]);
  });

  it('reads every wanted section in file order and ignores keys before any header', () => {
    const text = 'stray = 1\n[uw]\na = 1\n[x.y]\nb = 2\n[uwsgi]\nc = 3\n';
    assert.deepEqual(parseIni(text, ['uwsgi', 'uw'], F)?.map((e) => e.key), ['a', 'c']);
    assert.deepEqual(parseIni(text, ['x.y'], F)?.map((e) => e.key), ['b']);
  });

  it('returns undefined when no wanted section exists, [] for an empty one', () => {
    assert.equal(parseIni('[app]\na=1\n', ['uwsgi'], F), undefined);
    assert.deepEqual(parseIni('\uFEFF[uwsgi]\n', ['uwsgi'], F), []);
  });

  it('reports an unclosed header or a missing key with its line', () => {
    assert.throws(() => parseIni('[uwsgi]\n\n[broken\n', ['uwsgi'], F), isUwError('UW_CONFIG_SYNTAX', 'line 3: section header'));
    assert.throws(() => parseIni('[uwsgi]\n= 4\n', ['uwsgi'], F), isUwError('UW_CONFIG_SYNTAX', 'line 2: "= 4" has no key'));
  });

  it('never quotes an included file in its errors', () => {
    assert.throws(() => parseIni('[uwsgi]\n= secret\n', ['uwsgi'], F, true), (err: unknown) => {
      assert.ok(err instanceof UwError && err.message === 'ini syntax error at line 2: no key before "="', String(err));
      return true;
    });
  });
});

describe('YAML and JSON sections', () => {
  it('keeps YAML scalars as written (failsafe schema), lists repeat, null is bare', async () => {
    const doc = await parseYaml('uwsgi:\n  chmod-socket: 0660\n  vacuum:\n  env: [A=1, B=2]\n  die-on-term: yes\n', F);
    const at = (n: number) => ({ file: F, position: `entry ${n} of "uwsgi"` });
    assert.deepEqual(sectionEntries(doc, ['uwsgi'], F), [
      { key: 'chmod-socket', value: '0660', ...at(1) },
      { key: 'vacuum', value: true, ...at(2) },
      { key: 'env', value: 'A=1', ...at(3) },
      { key: 'env', value: 'B=2', ...at(3) },
      { key: 'die-on-term', value: 'yes', ...at(4) },
    ]);
  });

  it('turns JSON numbers and booleans into text', () => {
    const doc = parseJson('\uFEFF{"uw": {"processes": 4, "vacuum": true, "x": null}}', F);
    const at = (n: number) => ({ file: F, position: `entry ${n} of "uw"` });
    assert.deepEqual(sectionEntries(doc, ['uwsgi', 'uw'], F), [
      { key: 'processes', value: '4', ...at(1) },
      { key: 'vacuum', value: 'true', ...at(2) },
      { key: 'x', value: true, ...at(3) },
    ]);
  });

  it('rejects a non-mapping document, section or nested value', () => {
    assert.throws(() => sectionEntries([1], ['uwsgi'], F), isUwError('UW_CONFIG_FORMAT', 'mapping at the top level'));
    assert.throws(() => sectionEntries({ uwsgi: 'x' }, ['uwsgi'], F), isUwError('UW_CONFIG_FORMAT', '"uwsgi" to hold a mapping'));
    assert.throws(() => sectionEntries({ uwsgi: { env: { a: 1 } } }, ['uwsgi'], F), isUwError('UW_CONFIG_INVALID_VALUE', 'nested mapping'));
    assert.equal(sectionEntries({ app: {} }, ['uwsgi'], F), undefined);
    assert.deepEqual(sectionEntries({ uwsgi: null }, ['uwsgi'], F), []);
  });

  it('reports syntax errors on one line with the parser line number', async () => {
    await assert.rejects(parseYaml('uwsgi:\n  a: 1\n b: [\n', F), isUwError('UW_CONFIG_SYNTAX', 'YAML syntax error at line 3, column 2: bad indentation'));
    await assert.rejects(parseYaml('uwsgi:\n  a: 1\n  a: 2\n', F), isUwError('UW_CONFIG_SYNTAX', 'duplicated mapping key'));
    assert.throws(() => parseJson('{\n"a": 1,\n}', F), isUwError('UW_CONFIG_SYNTAX', 'JSON syntax error at line 3'));
    assert.throws(() => parseJson('{"a": \n}', F), isUwError('UW_CONFIG_SYNTAX', 'JSON syntax error'));
  });

  it('never quotes the source, and quotes nothing at all of an included file', async () => {
    const secret = 'root:$6$s3cret:19000:0:99999:7:::\n';
    assert.throws(() => parseJson(secret, F), (err: unknown) => err instanceof UwError && !err.message.includes('s3cret') && !err.message.includes('root:'));
    assert.throws(() => parseJson(secret, F, true), isUwError('UW_CONFIG_SYNTAX', 'JSON syntax error (an included file is never quoted)'));
    assert.throws(() => parseJson('{"a": 1,\n}', F, true), isUwError('UW_CONFIG_SYNTAX', 'JSON syntax error at line 2, column 1 (an included file is never quoted)'));
    await assert.rejects(parseYaml('uwsgi:\n  a: !s3cret x\n', F, true), (err: unknown) => err instanceof UwError && err.message === 'YAML syntax error at line 2, column 15 (an included file is never quoted)');
    assert.throws(() => sectionEntries({ uwsgi: { s3cret: { a: 1 } } }, ['uwsgi'], F, true), (err: unknown) => err instanceof UwError && err.message === 'option <key at entry 1 of "uwsgi", not shown>: expected a value or a list of values, got a nested mapping');
  });
});

describe('file references', () => {
  it('splits a trailing :section unless it holds a slash', () => {
    assert.deepEqual(parseFileRef('app.ini:staging', '/cfg'), { path: '/cfg/app.ini', section: 'staging' });
    assert.deepEqual(parseFileRef('/a:b/app.ini', '/cfg'), { path: '/a:b/app.ini', section: undefined });
    assert.deepEqual(parseFileRef('app.ini:', '/cfg'), { path: '/cfg/app.ini:', section: undefined });
    assert.deepEqual(parseFileRef(':other', '/cfg', '/cfg/app.ini'), { path: '/cfg/app.ini', section: 'other' });
    assert.throws(() => parseFileRef(':other', '/cfg'), isUwError('UW_CONFIG_FORMAT', 'names a section but no file'));
    assert.equal(refLabel({ path: '/cfg/app.ini', section: 'x' }), '/cfg/app.ini:x');
  });

  it('picks the format from the extension unless one is given', () => {
    assert.equal(formatOf({ path: '/a.YML', section: undefined }, undefined), 'yaml');
    assert.equal(formatOf({ path: '/a.json', section: undefined }, undefined), 'json');
    assert.equal(formatOf({ path: '/a.conf', section: undefined }, 'ini'), 'ini');
    assert.throws(() => formatOf({ path: '/a.conf', section: undefined }, undefined), isUwError('UW_CONFIG_FORMAT', '".conf"'));
  });
});
