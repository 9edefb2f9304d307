// Errors in included files name the vassal file and the chain of includes,
// and never quote an included file (it may be /etc/shadow); every unknown
// option of a file is named at once, uWSGI's own as such.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { describeError, UwError } from '../../src/errors.js';
import { APPS } from '../helpers/paths.js';
import { TempDir } from '../helpers/temp-dir.js';

const dir = new TempDir();
after(() => dir.remove());
const SECRET = 's3cret-hash-line';

async function errorOf(file: string, env: NodeJS.ProcessEnv = {}): Promise<UwError> {
  try {
    await loadConfig({ sources: [{ kind: 'file', path: file }], cwd: dir.path, env });
  } catch (err) {
    assert.ok(err instanceof UwError, String(err));
    return err;
  }
  assert.fail('loadConfig succeeded');
}

const HEAD = `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\n`;

describe('errors in included files', () => {
  it('name the vassal file and the chain of includes', async () => {
    dir.write('leaf.ini', '[uwsgi]\nprocesses = four\n');
    dir.write('middle.ini', '[uwsgi]\nini = leaf.ini\n');
    const vassal = dir.write('chain.ini', `${HEAD}ini = middle.ini\n`);
    const err = await errorOf(vassal);
    assert.equal(err.file, dir.file('leaf.ini'));
    assert.deepEqual(err.includes, [vassal, 'middle.ini', 'leaf.ini']);
    assert.equal(
      describeError(err),
      `config error in ${vassal} -> middle.ini -> leaf.ini: option "processes": expected an integer from 1 to 1024 (each worker is a whole process; more is surely a typo), got <value at line 2, not shown> [UW_CONFIG_INVALID_VALUE]`,
    );
  });

  it('never echo a file that is not a config: json = a shadow-like file', async () => {
    const shadow = dir.write('shadow', `root:$6$${SECRET}:19000:0:99999:7:::\n`);
    for (const key of ['json', 'yaml', 'ini']) {
      const err = await errorOf(dir.write(`${key}-shadow.ini`, `${HEAD}${key} = ${shadow}\n`));
      const line = describeError(err);
      assert.ok(!line.includes(SECRET) && !line.includes('root:'), line);
      assert.match(line, new RegExp(`^config error in ${dir.file(`${key}-shadow.ini`)} -> .*shadow: `));
    }
  });

  it('never quote keys or values of an included file, even one with the right section', async () => {
    const secrets = dir.write('secrets.ini', `[uwsgi]\n${SECRET}-key = 1\n`);
    const line = describeError(await errorOf(dir.write('keys.ini', `${HEAD}ini = ${secrets}\n`)));
    assert.ok(!line.includes(SECRET), line);
    assert.match(line, /unknown option <key at line 2, not shown>/);
  });

  it('never quote names of variables or placeholders of an included file', async () => {
    dir.write('vars.ini', `[uwsgi]\nlisten = $(${SECRET.replaceAll('-', '_')})\n`);
    const env = describeError(await errorOf(dir.write('vars-env.ini', `${HEAD}ini = vars.ini\n`)));
    assert.ok(!env.includes(SECRET.replaceAll('-', '_')), env);
    assert.match(env, /option <key at line 2, not shown>: environment variable <name at line 2, not shown> is not set/);
    dir.write('ph.part.ini', `[uwsgi]\nlisten = %(${SECRET})\n`);
    const ph = describeError(await errorOf(dir.write('vars-ph.ini', `${HEAD}ini = ph.part.ini\n`)));
    assert.ok(!ph.includes(SECRET), ph);
  });

  it('quote a value as written when it expands text from an included file or the environment', async () => {
    dir.write('db.ini', `[client]\npassword = ${SECRET}\n`);
    const fromInclude = describeError(await errorOf(dir.write('ph.ini', `${HEAD}ini = db.ini:client\nset-ph = x=%(password)\nprocesses = %(x)\n`)));
    assert.ok(!fromInclude.includes(SECRET), fromInclude);
    assert.match(fromInclude, /got "%\(x\)" once expanded/);
    const fromEnv = describeError(await errorOf(dir.write('env.ini', `${HEAD}processes = $(UW_TEST_SECRET)\n`), { UW_TEST_SECRET: SECRET }));
    assert.ok(!fromEnv.includes(SECRET), fromEnv);
    assert.match(fromEnv, /got "\$\(UW_TEST_SECRET\)" once expanded/);
  });
});

describe('unknown options', () => {
  it('are all named at once, uWSGI options as not supported', async () => {
    const file = dir.write('many.ini', `${HEAD}procesess = 2\nreuse-port = 1\nfoo = 1\nwsgi-file = app.py\n`);
    const err = await errorOf(file);
    assert.equal(err.code, 'UW_CONFIG_UNKNOWN_OPTION');
    assert.equal(err.key, 'procesess');
    assert.equal(err.message, 'unknown options "procesess" (did you mean "processes"?), "foo"; uWSGI options "reuse-port", "wsgi-file" (a Python app runs with exec, as a server on the inherited socket) are not supported by uw');
  });

  it("a uWSGI user's first ones say what to write instead", async () => {
    const err = await errorOf(dir.write('router.ini', `${HEAD}http = :8080\nplugins = python3\n`));
    assert.equal(err.code, 'UW_CONFIG_UNSUPPORTED_OPTION');
    assert.equal(err.message, 'uWSGI options "http" (uw has no HTTP router: use http-socket), "plugins" (uw has no plugins: module or script for a Node app, exec for any other program) are not supported by uw');
  });

  it('only uWSGI options: their own code', async () => {
    const err = await errorOf(dir.write('uwsgi.ini', `${HEAD}enable-threads = true\n`));
    assert.equal(err.code, 'UW_CONFIG_UNSUPPORTED_OPTION');
    assert.equal(describeError(err), `config error in ${dir.file('uwsgi.ini')}: uWSGI option "enable-threads" (nothing to enable in uw: remove it) is not supported by uw [UW_CONFIG_UNSUPPORTED_OPTION]`);
  });
});
