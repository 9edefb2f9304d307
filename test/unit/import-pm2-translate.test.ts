// import-pm2's translation rules, one PM2 app at a time: which lines each
// attribute becomes, and that every attribute left behind gets one line saying
// so. The file system is a table here (probe), never touched.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IniEntry } from '../../src/cli/import-pm2-ini.js';
import type { ScriptProbe } from '../../src/cli/import-pm2-runner.js';
import { fileStem, translateApp, uniqueStems, type Pm2Vassal, type TranslateContext } from '../../src/cli/import-pm2-translate.js';

const BASE = '/srv/app';

function context(overrides: Partial<TranslateContext> & { files?: Record<string, ScriptProbe> } = {}): TranslateContext {
  const { files = {}, ...rest } = overrides;
  return { baseDir: BASE, envName: undefined, probe: (file) => files[file] ?? 'missing', ...rest };
}

function vassal(app: unknown, ctx: TranslateContext = context()): Pm2Vassal {
  const result = translateApp(app, 0, ctx);
  assert.ok(result.ok, result.ok ? '' : result.problem);
  return result.vassal;
}

const lines = (entries: readonly IniEntry[]): string[] => entries.map((e) => `${e.key} = ${e.value}`);
const value = (v: Pm2Vassal, key: string): string | undefined => v.entries.find((e) => e.key === key)?.value;

describe('import-pm2: one app', () => {
  it('translates a cluster-mode Node script with PORT into script, processes and a loopback http-socket', () => {
    const v = vassal({ name: 'api', script: 'server.js', exec_mode: 'cluster', instances: 4, env: { PORT: 3000, NODE_ENV: 'production' }, cwd: 'backend' });
    assert.deepEqual(lines(v.entries), ['chdir = /srv/app/backend', 'script = server.js', 'processes = 4', 'http-socket = 127.0.0.1:3000', 'env = NODE_ENV=production']);
    assert.equal(v.stem, 'api');
    assert.match(v.notes.join('\n'), /PORT 3000: http-socket = 127\.0\.0\.1:3000 \(loopback only\).*0\.0\.0\.0:3000/);
  });

  it('gives args and node_args, as an array or as PM2 splits a string, as shell words', () => {
    const v = vassal({ script: 'worker.mjs', args: ['--name', "it's a b", '$HOME'], node_args: '--max-old-space-size=512 --title="a b"' });
    assert.equal(value(v, 'script-args'), `--name 'it'\\''s a b' '$HOME'`);
    // PM2 keeps the quotes of key="a b" (lib/tools/Config.js): the same word reaches Node
    assert.equal(value(v, 'node-args'), `--max-old-space-size=512 '--title="a b"'`);
    assert.equal(v.stem, 'worker', 'the name defaults to the script name without its extension');
  });

  it('turns instances max, 0 and negative counts into %k, said for the negative one', () => {
    for (const instances of ['max', 0, -1, '0']) {
      const v = vassal({ script: 'a.js', instances });
      assert.deepEqual(v.entries.find((e) => e.key === 'processes'), { key: 'processes', value: '%k', template: true }, `instances ${String(instances)}`);
    }
    assert.match(vassal({ script: 'a.js', instances: -1 }).notes.join('\n'), /instances: -1 means every CPU but 1 under PM2/);
    assert.equal(value(vassal({ script: 'a.js' }), 'processes'), '1');
    assert.equal(value(vassal({ script: 'a.js', instances: '3' }), 'processes'), '3');
  });

  it('runs a non-Node app as exec: interpreter, interpreter args, script, args, each quoted; it binds its own port', () => {
    const v = vassal({ name: 'py', script: 'app.py', interpreter: 'python3', interpreter_args: '-u', args: 'a "b c"', instances: 2, env: { PORT: 5000 } });
    assert.equal(value(v, 'exec'), `python3 -u app.py a 'b c'`);
    assert.equal(value(v, 'exec-notify'), 'false', 'a PM2 app never writes READY=1');
    assert.equal(value(v, 'http-socket'), undefined);
    assert.equal(value(v, 'env'), 'PORT=5000');
    assert.match(v.notes.join('\n'), /binds port 5000 itself.*SO_REUSEPORT/);
  });

  it('picks the interpreter by extension as PM2 does, and runs an unknown file by what it holds', () => {
    assert.equal(value(vassal({ script: 'job.py' }), 'exec'), 'python3 job.py');
    assert.equal(value(vassal({ script: 'run.sh', args: ['x'] }), 'exec'), 'bash run.sh x');
    const files = { '/srv/app/bin/www': 'node', '/srv/app/server': 'program' } as const;
    assert.equal(value(vassal({ script: 'bin/www' }, context({ files })), 'script'), 'bin/www', 'Express generator: a text file runs under Node');
    assert.equal(value(vassal({ script: 'server' }, context({ files })), 'exec'), './server', 'a binary in chdir, not on PATH');
    const npm = vassal({ script: 'npm', args: 'start' });
    assert.equal(value(npm, 'exec'), 'npm start');
    assert.match(npm.notes.join('\n'), /"npm" is a command, not a file/);
    assert.equal(value(vassal({ script: 'a.js', interpreter: '/usr/bin/node' }), 'script'), 'a.js');
    assert.equal(value(vassal({ script: 'a.js', interpreter: 'none' }), 'exec'), './a.js');
  });

  it('lays env_NAME over env with --env NAME, and port over PORT', () => {
    const app = { script: 'a.js', env: { A: '1', B: '1' }, env_production: { B: '2' }, env_staging: { B: '3' }, port: 8080 };
    const v = vassal(app, context({ envName: 'production' }));
    assert.deepEqual(v.entries.filter((e) => e.key === 'env').map((e) => e.value), ['A=1', 'B=2']);
    assert.equal(value(v, 'http-socket'), '127.0.0.1:8080');
    assert.match(v.notes.join('\n'), /env_staging: not used/);
    assert.match(vassal(app, context({ envName: 'qa' })).notes.join('\n'), /env_qa: not in this app/);
  });

  it('converts kill_timeout and listen_timeout from milliseconds to seconds', () => {
    const v = vassal({ script: 'a.js', kill_timeout: 1600, listen_timeout: 45000 });
    assert.equal(value(v, 'worker-reload-mercy'), '1.6');
    assert.equal(value(v, 'reload-mercy'), '1.6');
    assert.equal(value(v, 'script-ready-after'), '45');
    assert.equal(value(v, 'ready-timeout'), '75', 'longer than script-ready-after, or the worker is killed first');
    assert.equal(value(vassal({ script: 'a.py', listen_timeout: 2000 }), 'exec-ready-after'), '2');
  });

  it('writes user as uid, and max_memory_restart as reload-on-rss in whole megabytes', () => {
    assert.equal(value(vassal({ script: 'a.js', user: 'www-data', gid: 33 }), 'uid'), 'www-data');
    assert.equal(value(vassal({ script: 'a.js', max_memory_restart: '1G' }), 'reload-on-rss'), '1024');
    assert.equal(value(vassal({ script: 'a.js', max_memory_restart: 1_500_000 }), 'reload-on-rss'), '2', 'rounded up');
    assert.match(vassal({ script: 'a.js', max_memory_restart: '300 MB' }).notes.join('\n'), /max_memory_restart: expected bytes or a size like 300M/);
  });

  it('says one line per attribute it leaves, stays quiet about what uw does anyway, and names unknown ones', () => {
    const v = vassal({ script: 'a.js', env: { PORT: 1 }, watch: ['src'], autorestart: true, autostart: false, cron: '0 * * * *', max_restarts: 3, merge_logs: true, frobnicate: 1 });
    const notes = v.notes.filter((note) => !note.startsWith('PORT') && !note.startsWith('uid'));
    assert.deepEqual(notes.map((note) => note.split(':')[0]), ['watch', 'autostart', 'cron', 'max_restarts', 'frobnicate']);
    assert.match(notes[0] ?? '', /touch-reload/);
    assert.match(notes[4] ?? '', /unknown PM2 attribute/);
  });

  it('says that an app without uid would run as the emperor\'s user (root, often)', () => {
    assert.ok(vassal({ script: 'a.js' }).notes.some((note) => /^uid: none: .*would run as root/.test(note)));
    assert.ok(!vassal({ script: 'a.js', uid: 'www' }).notes.some((note) => note.startsWith('uid')));
  });

  it('refuses an app without a script, or with a value no ini line can hold', () => {
    assert.deepEqual(translateApp({ name: 'x' }, 0, context()), { ok: false, app: 'x', problem: 'script: missing (PM2 requires it)' });
    assert.deepEqual(translateApp('a.js', 2, context()), { ok: false, app: 'app #3', problem: 'expected an object of attributes' });
    const broken = translateApp({ script: 'a.js', args: ['line\nbreak'] }, 0, context());
    assert.equal(broken.ok, false);
    const env = vassal({ script: 'a.js', env: { OK: 'x', BAD: 'a\nb', TRAIL: 'x ' } });
    assert.deepEqual(env.entries.filter((e) => e.key === 'env').map((e) => e.value), ['OK=x']);
    assert.equal(env.notes.filter((note) => /^env (BAD|TRAIL): not translated/.test(note)).length, 2);
  });
});

describe('import-pm2: file names', () => {
  it('keeps every name inside --out', () => {
    assert.equal(fileStem('../../etc/passwd'), 'etc-passwd');
    assert.equal(fileStem('..'), 'app');
    assert.equal(fileStem('.hidden'), 'hidden');
    assert.equal(fileStem('api/v1 (blue)'), 'api-v1-blue-');
    assert.equal(fileStem('a'.repeat(300)).length, 100);
  });

  it('numbers a name that repeats', () => {
    assert.deepEqual(uniqueStems(['api', 'api', 'web', 'api']), ['api', 'api-2', 'web', 'api-3']);
  });
});
