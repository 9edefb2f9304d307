// What import-pm2 writes, read back by uw's own loader: env values, script
// arguments and exec command lines arrive as the very text and words PM2
// would have passed, whatever `%`, `$(`, quotes or spaces they hold.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { availableParallelism } from 'node:os';
import { nodeHost, type ConfigHost } from '../../src/config/host.js';
import { loadConfig } from '../../src/config/load.js';
import type { VassalConfig } from '../../src/config/vassal-config.js';
import { escapeIniValue, fitsOnIniLine, renderIni, type IniEntry } from '../../src/cli/import-pm2-ini.js';
import { pm2Words, shellLine } from '../../src/cli/import-pm2-words.js';
import { TempDir } from '../helpers/temp-dir.js';

const dir = new TempDir();
after(() => dir.remove());
dir.write('a.js', '');

/** Load `entries` as the vassal file dir/v.ini, without writing it. */
async function readBack(entries: readonly IniEntry[]): Promise<VassalConfig> {
  const file = dir.file('v.ini');
  const text = renderIni([{ key: 'chdir', value: dir.path }, ...entries], ['test']);
  const host: ConfigHost = { ...nodeHost, readFile: async (at) => (at === file ? text : await nodeHost.readFile(at)) };
  return loadConfig({ sources: [{ kind: 'file', path: file }], cwd: dir.path, env: { PATH: '/usr/bin:/bin', HOME: '/nowhere' } }, host);
}

const NASTY = [`100%`, `%n %(x) %%`, `$(touch PWNED)`, `$HOME`, `it's "quoted"`, 'a b  c', '`date`', '\\', '*', ';|&', '', '-x=$(', 'ünï'];

describe('import-pm2 ini: read back by uw', () => {
  it('keeps env values exactly, with %, $( and quotes', async () => {
    const env = Object.fromEntries(NASTY.map((text, i) => [`V${i}`, text]));
    const config = await readBack([{ key: 'script', value: 'a.js' }, ...Object.entries(env).map(([k, v]) => ({ key: 'env', value: `${k}=${v}` }))]);
    assert.deepEqual(config.env, env);
  });

  it('keeps script-args and node-args word for word', async () => {
    const config = await readBack([{ key: 'script', value: 'a.js' }, { key: 'script-args', value: shellLine(NASTY) }, { key: 'node-args', value: shellLine(['--title=a b', '--x']) }]);
    assert.equal(config.app.kind, 'script');
    assert.deepEqual(config.app.kind === 'script' && config.app.args, NASTY);
    assert.deepEqual(config.app.kind === 'script' && config.app.nodeArgs, ['--title=a b', '--x']);
  });

  it('gives sh the same words in an exec line, and runs none of them', async () => {
    const config = await readBack([{ key: 'exec', value: shellLine(['printf', '%s\\n', ...NASTY]) }]);
    assert.equal(config.app.kind, 'exec');
    const command = config.app.kind === 'exec' ? config.app.command : '';
    const out = execFileSync('/bin/sh', ['-c', command], { cwd: dir.path, encoding: 'utf8', timeout: 10_000 });
    assert.deepEqual(out.split('\n').slice(0, -1), NASTY);
  });

  it('writes a template as is: processes = %k is the CPU count', async () => {
    const config = await readBack([{ key: 'script', value: 'a.js' }, { key: 'processes', value: '%k', template: true }]);
    assert.equal(config.processes, availableParallelism());
  });

  it('refuses what one line cannot hold, and escapes only % and $(', () => {
    assert.equal(fitsOnIniLine('a\nb'), false);
    assert.equal(fitsOnIniLine(' a'), false);
    assert.equal(fitsOnIniLine('a b'), true);
    assert.equal(escapeIniValue('50% $(x) $y'), '50%% %(uw-dollar)(x) $y');
  });
});

describe('import-pm2 words', () => {
  it('splits a string as PM2 does: quoted words whole, quotes dropped, key="v" kept as written', () => {
    assert.deepEqual(pm2Words(`--port 80 "a b" 'c d' --k="e f"`), ['--port', '80', 'a b', 'c d', '--k="e f"']);
    assert.deepEqual(pm2Words(['a', 1]), ['a', '1']);
    assert.equal(pm2Words({ a: 1 }), undefined);
  });
});
