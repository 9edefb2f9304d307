// loadConfig end to end on fixture files: formats, sections, includes, argv
// merging, magic variables, placeholders, defaults and the frozen result.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { argvToSources } from '../../src/config/argv.js';
import { nodeHost } from '../../src/config/host.js';
import { loadConfig, type ConfigSource } from '../../src/config/load.js';

const DIR = fileURLToPath(new URL('../../../test/fixtures/configs/', import.meta.url));
const at = (name: string): string => path.join(DIR, name);
const ENV = { PATH: `${at('bin')}:/usr/bin:/bin`, UW_TEST_HOME: '/home/test' };

function load(sources: ConfigSource[], extra: { name?: string; env?: NodeJS.ProcessEnv } = {}) {
  return loadConfig({ sources, cwd: DIR, env: extra.env ?? ENV, ...(extra.name === undefined ? {} : { name: extra.name }) });
}
const file = (name: string): ConfigSource => ({ kind: 'file', path: name });

describe('loadConfig', () => {
  it('reads every option of full.ini into typed fields', async () => {
    const config = await load([file('full.ini')]);
    assert.deepEqual(config, {
      file: at('full.ini'),
      name: 'full.ini',
      sockets: [
        { protocol: 'http', address: { type: 'tcp', host: '127.0.0.1', port: 8080 }, spec: ':8080' },
        { protocol: 'http', address: { type: 'tcp', host: '0.0.0.0', port: 8081 }, spec: '0.0.0.0:8081' },
        { protocol: 'uwsgi', address: { type: 'unix', path: at('run/app.sock') }, spec: 'run/app.sock' },
        { protocol: 'raw', address: { type: 'tcp', host: '::1', port: 9000 }, spec: '[::1]:9000' },
      ],
      uwsgi: { bufferSize: 8192, packetTimeoutMs: 2500 },
      processes: 4,
      app: { kind: 'module', path: at('app.mjs'), exportName: 'named' },
      chdir: DIR.replace(/\/$/, ''),
      env: { NODE_ENV: 'production', URL: 'http://example.com/#frag;x' },
      touchReload: [at('app.mjs'), at('full.ini')],
      masterFifo: [at('run/a.fifo'), at('run/b.fifo')],
      touchChainReload: [],
      reloadMode: 'graceful',
      dieOnTerm: true,
      reloadNice: 5,
      reloadBootLimit: 0,
      reloadWarmup: 100,
      nodeDefaultThreads: true,
      reloadMercyMs: 5000,
      workerReloadMercyMs: 2500,
      reloadOverlapMs: 500,
      reloadSpreadMs: 250,
      readyTimeoutMs: 250,
      vacuum: true,
      listenBacklog: 128,
      uid: 0,
      gid: 0,
      initGroups: true,
      pidfile: at('run/app.pid'),
      safePidfile: at('run/app.safe.pid'),
      chmodSocket: 0o660,
      stats: { address: { type: 'unix', path: at('run/stats.sock') }, spec: 'run/stats.sock' },
      statsHttp: true,
      statsChmod: 0o640,
      policies: { harakiriVerbose: false, maxRequestsDelta: 0, maxLifetimeDeltaMs: 0, minLifetimeMs: 10_000 },
      log: { asWorkers: false, backups: 1, format: 'json', touchReopen: [] },
    });
  });

  it('gives the same result for the YAML and JSON versions', async () => {
    const ini = await load([file('full.ini')]);
    for (const other of ['full.yaml', 'full.json']) {
      assert.deepEqual({ ...(await load([file(other)])), file: '', name: '' }, { ...ini, file: '', name: '' }, other);
    }
  });

  it('applies defaults and deep-freezes the result', async () => {
    const config = await load([file('minimal.ini')]);
    assert.equal(config.processes, 1);
    assert.equal(config.reloadMercyMs, 60_000);
    assert.equal(config.workerReloadMercyMs, 60_000);
    assert.equal(config.reloadNice, 10);
    assert.equal(config.reloadBootLimit, 0);
    assert.equal(config.nodeDefaultThreads, false);
    assert.equal(config.reloadSpreadMs, 1_000);
    assert.equal(config.reloadOverlapMs, 300);
    assert.equal(config.readyTimeoutMs, 30_000);
    assert.equal(config.listenBacklog, 511);
    assert.equal(config.vacuum, false);
    assert.equal(config.dieOnTerm, true);
    assert.equal(config.chdir, DIR.replace(/\/$/, ''));
    assert.equal(config.app.kind === 'module' && config.app.exportName, 'default');
    assert.ok(!('uid' in config) && !('pidfile' in config) && !('chmodSocket' in config));
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.sockets) && Object.isFrozen(config.sockets[0]?.address));
  });

  it('picks a named section, or accepts "uw" for "uwsgi"', async () => {
    assert.equal((await load([file('sections.ini')])).processes, 2);
    assert.equal((await load([file('sections.ini:staging')])).processes, 3);
    assert.equal((await load([file('short-section.yml')])).processes, 5);
    assert.equal((await load([{ kind: 'file', path: 'minimal.ini', format: 'ini' }])).processes, 1);
  });

  it('splices includes in place and puts inherit first', async () => {
    const config = await load([file('main-include.ini')]);
    assert.equal(config.processes, 2, 'own value beats the inherited 7');
    assert.equal(config.listenBacklog, 64, 'inherited');
    assert.equal(config.reloadMercyMs, 3000, 'from parts/extra.json:vassal');
    assert.deepEqual(config.env, { FROM: 'extra' }, 'base, then more.yaml, then extra.json');
    assert.deepEqual(config.sockets.map((s) => s.spec), [':0', 'run/more.sock']);
  });

  it('lets argv override scalars and add to lists after the file', async () => {
    const argv = argvToSources(['minimal.ini', '--processes', '3', '--http-socket=:0', '--env', 'A=1', '--vacuum', '--inherit', 'parts/base.ini']);
    const config = await load(argv);
    assert.equal(config.processes, 7, 'argv inherit applies where it stands, after --processes 3');
    assert.equal(config.sockets.length, 2);
    assert.deepEqual(config.env, { A: '1', FROM: 'base' });
    assert.equal(config.vacuum, true);
  });

  it('runs from argv alone as "uw"', async () => {
    const config = await load(argvToSources(['--http-socket', ':0', '--module', 'app.mjs']));
    assert.equal(config.file, '');
    assert.equal(config.name, 'uw');
  });

  it('uses the name it is given', async () => {
    assert.equal((await load([file('minimal.ini')], { name: 'sub/minimal.ini' })).name, 'sub/minimal.ini');
  });

  it('reads exec apps with their options and checks the program', async () => {
    const exec = await load([file('exec.ini')]);
    assert.deepEqual(exec.app, { kind: 'exec', command: 'FOO=bar ./bin/run.sh --port 3', notify: false, readyAfterMs: 500, stopSignal: 'SIGINT' });
    const viaPath = await load([file('exec-path.yaml')]);
    assert.deepEqual(viaPath.app, { kind: 'exec', command: 'fakeprog --serve', notify: true, readyAfterMs: 1000, stopSignal: 'SIGUSR1' });
    assert.deepEqual(viaPath.sockets, []);
  });

  it('expands magic variables relative to the vassal file', async () => {
    const host = { ...nodeHost, facts: () => ({ hostname: 'box', cpus: 3, uid: 7, gid: 8, nowMs: 42_500 }) };
    const config = await loadConfig({ sources: [file('magic.ini')], cwd: DIR, env: ENV }, host);
    assert.deepEqual(config.env, {
      n: 'magic', p: at('magic.ini'), d: DIR, s: 'magic.ini', e: 'ini', c: 'configs', x: at('magic.ini'),
      h: 'box', k: '3', u: '7', g: '8', t: '42', T: '42500', pct: '100%', unknown: '%Z', escaped: '%(port)',
    });
  });

  it('describes the vassal, not the template, in a template', async () => {
    const config = await load([{ kind: 'file', path: 'template.ini', role: 'template' }, file('sections.ini:staging')]);
    assert.equal(config.file, at('sections.ini'));
    assert.equal(config.pidfile, '/tmp/uw-sections.pid');
    assert.deepEqual(config.env, { VASSAL_FILE: 'sections.ini', VASSAL_DIR: DIR });
    assert.equal(config.processes, 3);
  });

  it('resolves placeholders from custom keys, set-ph, options and env', async () => {
    const config = await load([file('placeholders.ini')]);
    assert.deepEqual(config.sockets.map((s) => s.spec), ['127.0.0.1:0']);
    assert.deepEqual(config.env, { PROCS: '2', HOME_DIR: '/home/test' });
  });
});
