// fast-check arbitraries for vassal files: random ini/YAML/JSON documents built
// from real option names and hostile values, mutations of valid files, and
// binary garbage. Shared by the short fuzz test and `npm run fuzz`.
import fc from 'fast-check';
import { OPTIONS } from '../../src/config/options.js';

/** Text that only the files the vassal may not show hold: it must never reach an error. */
export const SECRET = 'ZZSECRETZZ';

/** Files written once beside each fuzzed vassal, which fuzzed includes may name. */
export const SIDE_FILES: Readonly<Record<string, string>> = {
  'app.mjs': 'export default (req, res) => res.end("ok");\n',
  'secret.txt': `root:x:0:0:${SECRET}:/root:/bin/bash\n`,
  'secret.ini': `[uwsgi]\nset-ph = sp=${SECRET}\nenv = K=${SECRET}\n${SECRET} = 1\n`,
  'secret-valid.ini': `[uwsgi]\nset-ph = sp=${SECRET}\nenv = K=${SECRET}\nprocesses = 1${SECRET}\n`,
  'secret.json': `{"uwsgi": {"set-ph": "sp=${SECRET}", "processes": "${SECRET}", "${SECRET}": 1}}`,
  'secret.yaml': `uwsgi:\n  set-ph: sp=${SECRET}\n  module: ${SECRET}\n  ${SECRET}: [a, {b: c}]\n`,
  'secret-bad.yaml': `uwsgi: [${SECRET}\n`,
  'secret-bad.json': `{"uwsgi": ${SECRET}}`,
  'part.ini': '[uwsgi]\nprocesses = 2\nini = v.ini\n',
};

/** The extensions a fuzzed vassal file gets; `.txt` is refused by extension. */
export const EXTENSIONS = ['.ini', '.yaml', '.yml', '.json', '.txt'] as const;

const VALID = {
  ini: '[uwsgi]\nmodule = app.mjs\nhttp-socket = 127.0.0.1:0\nprocesses = 2\nenv = A=%(processes)\nset-ph = x=1\n',
  yaml: 'uwsgi:\n  module: app.mjs\n  http-socket: [127.0.0.1:0, ":0"]\n  processes: 2\n  vacuum:\n',
  json: '{"uwsgi": {"module": "app.mjs", "http-socket": ":0", "processes": "2", "env": ["A=1", "B=2"]}}',
};

const optionNames = Object.keys(OPTIONS);
const includeKeys = ['ini', 'yaml', 'yml', 'json', 'inherit'];
const sideNames = [...Object.keys(SIDE_FILES), 'v.ini', 'v.yaml', 'v.json', 'missing.ini', 'part.ini:other', ':other', 'secret.ini:uwsgi', '/dev/null', '/etc/passwd'];

const anyText = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }));

const keyArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...optionNames) },
  { weight: 2, arbitrary: fc.constantFrom(...includeKeys, 'set-ph', 'set-placeholder', 'sp', 'x') },
  { weight: 1, arbitrary: anyText },
);

const number = fc.oneof(
  fc.integer({ min: -5, max: 70_000 }).map(String),
  fc.constantFrom('0', '1024', '1025', '65535', '65536', '99999999999999999999', '1e309', '-0', '+1', '0x10', '1.5', 'NaN', 'Infinity', '٣'),
  fc.bigInt().map(String),
);

const valueArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('app.mjs', 'app.mjs:named', ':0', '127.0.0.1:0', '[::1]:0', ':65536', 'true', 'no', 'graceful', 'SIGTERM', '0660', 'A=B') },
  { weight: 3, arbitrary: fc.constantFrom(...sideNames) },
  { weight: 3, arbitrary: number },
  { weight: 2, arbitrary: fc.constantFrom('%(sp)', '%(processes)', '%(x)', '%(nope)', '$(HOME)', '$(NOPE)', '%d', '%n', '%x', '%%', '%(', '$(', 'a\u0000b', '/tmp/a\u0000b') },
  { weight: 2, arbitrary: anyText },
  { weight: 1, arbitrary: fc.array(fc.constantFrom('%(sp)', '%(x)', ':', '/', ' ', 'a', '=', '"', '\\'), { maxLength: 8 }).map((parts) => parts.join('')) },
);

const iniLine: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(keyArb, fc.constantFrom(' = ', '=', ' =', ' '), valueArb).map(([k, eq, v]) => `${k}${eq}${v}`) },
  { weight: 2, arbitrary: fc.constantFrom('[uwsgi]', '[uw]', '[other]', '[', '[]', '; comment', '# comment', '', '=x', '   ') },
  { weight: 1, arbitrary: anyText },
);

/** A random ini document, with CRLF and a byte-order mark sometimes. */
export const iniText: fc.Arbitrary<string> = fc
  .tuple(fc.boolean(), fc.array(iniLine, { maxLength: 14 }), fc.constantFrom('\n', '\r\n', '\r'), fc.boolean())
  .map(([header, lines, eol, bom]) => `${bom ? '\uFEFF' : ''}${header ? `[uwsgi]${eol}` : ''}${lines.join(eol)}${eol}`);

const yamlValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: valueArb },
  { weight: 1, arbitrary: fc.array(valueArb, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, 1, true, 1e300, [], {}, [[]], { a: 'b' }) },
);

/** A mapping of options under a section key, as YAML and JSON hold them. */
const document: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom('uwsgi', 'uw', 'other'), fc.dictionary(keyArb, yamlValue, { maxKeys: 10 })).map(([s, body]) => ({ [s]: body })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
);

/** JSON text, sometimes with a byte-order mark. */
export const jsonText: fc.Arbitrary<string> = fc.tuple(document, fc.boolean()).map(([doc, bom]) => `${bom ? '\uFEFF' : ''}${JSON.stringify(doc) ?? 'null'}`);

/** YAML text: JSON is YAML, plus hand-written block documents with anchors and tags. */
export const yamlText: fc.Arbitrary<string> = fc.oneof(
  jsonText,
  fc.array(fc.tuple(keyArb, fc.constantFrom(': ', ': &a ', ': *a', ': !!str ', ': !!js/function ', ': [', ': |\n    ', ': "'), valueArb), { maxLength: 10 }).map(
    (rows) => `uwsgi:\n${rows.map(([k, sep, v]) => `  ${JSON.stringify(k)}${sep}${v}`).join('\n')}\n`,
  ),
);

interface Edit {
  readonly at: number;
  readonly remove: number;
  readonly insert: string;
}

const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 6 }),
  insert: fc.oneof(anyText, fc.constantFrom('%(', '[', '{', '"', '\n', '\r\n', '\u0000', ':', '&a', '*a', '=', '%(sp)', 'ini = secret.ini\n')),
});

/** A valid file with a few random options added: reaches the schema's checks. */
export const extendedText: fc.Arbitrary<{ text: string; ext: string }> = fc.oneof(
  fc.array(fc.tuple(keyArb, valueArb), { minLength: 1, maxLength: 4 }).map((rows) => ({ text: VALID.ini + rows.map(([k, v]) => `${k} = ${v}\n`).join(''), ext: '.ini' })),
  fc.dictionary(keyArb, yamlValue, { minKeys: 1, maxKeys: 4 }).map((extra) => ({
    text: JSON.stringify({ uwsgi: { module: 'app.mjs', 'http-socket': '127.0.0.1:0', ...extra } }),
    ext: '.json',
  })),
);

/** A valid file with a few random edits. */
export const mutatedText: fc.Arbitrary<{ text: string; ext: string }> = fc
  .tuple(fc.constantFrom(['ini', '.ini'] as const, ['yaml', '.yaml'] as const, ['json', '.json'] as const), fc.array(edit, { minLength: 1, maxLength: 5 }))
  .map(([[kind, ext], edits]) => {
    let text: string = VALID[kind];
    for (const { at, remove, insert } of edits) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + insert + text.slice(i + remove);
    }
    return { text, ext };
  });

/** One fuzzed vassal file: its extension and its bytes. */
export interface FuzzCase {
  readonly ext: string;
  readonly bytes: Uint8Array;
}

const text = (arb: fc.Arbitrary<string>, exts: readonly string[]): fc.Arbitrary<FuzzCase> =>
  fc.tuple(arb, fc.constantFrom(...exts)).map(([t, ext]) => ({ ext, bytes: Buffer.from(t) }));

/** Every kind of input, weighted toward the ones that reach deep into the loader. */
export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  { weight: 4, arbitrary: text(iniText, ['.ini']) },
  { weight: 2, arbitrary: text(yamlText, ['.yaml', '.yml']) },
  { weight: 2, arbitrary: text(jsonText, ['.json']) },
  { weight: 3, arbitrary: extendedText.map(({ text: t, ext }) => ({ ext, bytes: Buffer.from(t) })) },
  { weight: 3, arbitrary: mutatedText.map(({ text: t, ext }) => ({ ext, bytes: Buffer.from(t) })) },
  { weight: 1, arbitrary: fc.tuple(fc.uint8Array({ maxLength: 600 }), fc.constantFrom(...EXTENSIONS)).map(([bytes, ext]) => ({ ext, bytes })) },
);
