// Hand-made hostile vassal files the random fuzzer is unlikely to build: each
// is refused with one clear config error, quickly, without loading the file
// whole or expanding it without end.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { truncateSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { describeError, UwError } from '../../src/errors.js';
import { checkError } from '../helpers/config-fuzz-run.js';
import { APPS } from '../helpers/paths.js';
import { TempDir } from '../helpers/temp-dir.js';

const dir = new TempDir();
after(() => dir.remove());
const HEAD = `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\n`;
const load = (file: string) => loadConfig({ sources: [{ kind: 'file', path: file }], cwd: dir.path, env: {} });

/** The error the file gives, checked against the fuzzer's rules, and its one line. */
async function refused(file: string, code: string, pattern: RegExp): Promise<string> {
  try {
    await load(file);
  } catch (err) {
    assert.equal(checkError(err), code, describeError(err));
    const line = describeError(err);
    assert.match(line, pattern);
    return line;
  }
  assert.fail(`${file} loaded`);
}

describe('hostile vassal files', () => {
  it('refuses a 100 MB file from its size', async () => {
    const file = dir.write('huge.ini', HEAD);
    truncateSync(file, 100 * 1024 * 1024);
    await refused(file, 'UW_CONFIG_UNREADABLE', /huge\.ini: cannot read the config file: larger than 1 MiB/);
  });

  it('refuses to include a FIFO, /dev/zero or a directory instead of waiting on it', async () => {
    execFileSync('mkfifo', [dir.file('fifo.ini')]);
    await refused(dir.write('fifo-include.ini', `${HEAD}ini = fifo.ini\n`), 'UW_CONFIG_UNREADABLE', /fifo\.ini: cannot read the config file: not a regular file/);
    await refused(dir.write('zero-include.ini', `${HEAD}ini = /dev/zero\n`), 'UW_CONFIG_UNREADABLE', /not a regular file/);
    await refused(dir.write('dir-include.ini', `${HEAD}ini = ${dir.path}\n`), 'UW_CONFIG_UNREADABLE', /it is a directory/);
  });

  it('refuses YAML and JSON nested 10,000 deep', async () => {
    await refused(dir.write('deep.yaml', `uwsgi:\n  env: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`), 'UW_CONFIG_SYNTAX', /maxDepth/);
    await refused(dir.write('deep.json', `{"uwsgi": {"env": ${'['.repeat(100_000)}${']'.repeat(100_000)}}}`), 'UW_CONFIG_INVALID_VALUE', /got a nested list/);
  });

  it('refuses a billion laughs without expanding the aliases', async () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`);
    const file = dir.write('laughs.yaml', `${levels.join('\n')}\nuwsgi:\n  module: ${APPS}hello.mjs\n  env: *l8\n`);
    await refused(file, 'UW_CONFIG_INVALID_VALUE', /option "env": expected a value or a list of values, got a nested list/);
  });

  it('refuses an include chain 1,000 files deep', async () => {
    for (let i = 0; i < 1000; i++) dir.write(`chain-${i}.ini`, `[uwsgi]\nini = chain-${i + 1}.ini\n`);
    dir.write('chain-1000.ini', '[uwsgi]\nprocesses = 2\n');
    await refused(dir.write('chain.ini', `${HEAD}ini = chain-0.ini\n`), 'UW_CONFIG_INCLUDE_CYCLE', /includes nested more than 64 files deep/);
  });

  it('refuses includes that double at each level', async () => {
    for (let i = 0; i < 30; i++) dir.write(`twice-${i}.ini`, `[uwsgi]\nini = twice-${i + 1}.ini\nini = twice-${i + 1}.ini\n`);
    dir.write('twice-30.ini', '[uwsgi]\n');
    await refused(dir.write('twice.ini', `${HEAD}ini = twice-0.ini\n`), 'UW_CONFIG_INCLUDE_CYCLE', /includes read more than 256 files/);
  });

  it('names an include cycle', async () => {
    dir.write('cycle-b.ini', '[uwsgi]\nini = cycle-a.ini\n');
    await refused(dir.write('cycle-a.ini', `${HEAD}ini = cycle-b.ini\n`), 'UW_CONFIG_INCLUDE_CYCLE', /include cycle: .*cycle-a\.ini -> cycle-b\.ini -> .*cycle-a\.ini/);
  });

  it('stops placeholders that double at each level', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `p${i} = %(p${i + 1})%(p${i + 1})`);
    const file = dir.write('bomb.ini', `${HEAD}${rows.join('\n')}\np30 = xx\nenv = A=%(p0)\n`);
    await refused(file, 'UW_CONFIG_PLACEHOLDER', /expands to more than 64 KiB/);
  });

  it('refuses NUL bytes in paths and values', async () => {
    await refused(dir.write('nul-include.ini', `${HEAD}ini = a\0b.ini\n`), 'UW_CONFIG_UNREADABLE', /the path holds a NUL byte/);
    await refused(dir.write('nul-socket.ini', `${HEAD}http-socket = /tmp/a\0b\n`), 'UW_CONFIG_INVALID_VALUE', /option "http-socket": the value holds a NUL byte/);
    await refused(dir.write('nul-pidfile.json', `{"uwsgi": {"module": "${APPS}hello.mjs", "http-socket": ":0", "pidfile": "x\\u0000y"}}`), 'UW_CONFIG_INVALID_VALUE', /NUL byte/);
  });

  it('refuses ports out of range and huge numbers', async () => {
    for (const port of [':65536', ':99999999999999999999', '127.0.0.1:-1']) {
      await refused(dir.write('port.ini', `${HEAD}http-socket = ${port}\n`), 'UW_CONFIG_INVALID_VALUE', /option "http-socket": expected host:port/);
    }
    for (const processes of ['1025', '1e9', '99999999999999999999999', '-1', '١']) {
      await refused(dir.write('processes.ini', `${HEAD}processes = ${processes}\n`), 'UW_CONFIG_INVALID_VALUE', /option "processes": expected an integer from 1 to 1024/);
    }
    await refused(dir.write('mercy.ini', `${HEAD}reload-mercy = 1e400\n`), 'UW_CONFIG_INVALID_VALUE', /option "reload-mercy"/);
  });

  it('keeps an error one line when a path holds a newline', async () => {
    const line = await refused(dir.write('newline.yaml', 'uwsgi:\n  ini: |\n    missing.ini\n'), 'UW_CONFIG_UNREADABLE', /missing\.ini\\n: cannot read/);
    assert.doesNotMatch(line, /\n/);
  });

  it('reads a file with a byte-order mark, CRLF line ends and unicode', async () => {
    const file = dir.write('bom.ini', `\uFEFF${HEAD.replace(/\n/g, '\r\n')}env = GREETING=héllo wörld ☃ 𝄞\r\nprocesses = 3\r\n`);
    const config = await load(file);
    assert.equal(config.processes, 3);
    assert.equal(config.env.GREETING, 'héllo wörld ☃ 𝄞');
    const yaml = await load(dir.write('bom.yaml', `\uFEFFuwsgi:\r\n  module: ${APPS}hello.mjs\r\n  http-socket: ":0"\r\n  env: "K=ü"\r\n`));
    assert.equal(yaml.env.K, 'ü');
  });

  it('rejects a non-config error thrown in the loader as a fuzz failure', () => {
    // the checker itself: a TypeError is a bug, a UwError without a file breaks the rule
    assert.throws(() => checkError(new TypeError('x')), /not a UwError/);
    assert.throws(() => checkError(new UwError('UW_CONFIG_SYNTAX', 'x')), /names no file/);
  });
});
