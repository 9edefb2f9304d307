// `uwemperor import-pm2` end to end: the real built CLI on a sample ecosystem
// file (a cluster-mode server script with PORT, a fork-mode script with args
// and node_args, a python app), then the written web vassal started with the
// real `uw` and asked for a page.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, afterEach, describe, it } from 'node:test';
import { freePort } from '../helpers/free-port.js';
import { get } from '../helpers/http-client.js';
import { EMPEROR_BIN, FIXTURES } from '../helpers/paths.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids, startMaster } from '../helpers/uw-master.js';

const ECOSYSTEM = `${FIXTURES}pm2/ecosystem.config.js`;
const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

/** Run `uwemperor import-pm2 ...args` to its end. */
async function importPm2(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = new SpawnedCli(EMPEROR_BIN, ['import-pm2', ...args], { env });
  // 'close': exited and all of its output read
  const code = await new Promise<number | null>((resolve) => cli.child.once('close', resolve));
  return { code, stdout: cli.stdout, stderr: cli.stderr };
}

describe('uwemperor import-pm2', () => {
  it('writes one vassal per app, reports what it left, and the web vassal serves under uw', async () => {
    const port = await freePort();
    const out = dir.file('vassals');
    const { code, stdout, stderr } = await importPm2([ECOSYSTEM, '--out', out, '--env', 'production'], { PM2_FIXTURE_PORT: String(port) });
    assert.equal(stderr, '');
    assert.equal(code, 0, stdout);
    const lines = stdout.split('\n').filter((line) => line !== '');
    for (const name of ['web', 'jobs', 'api-py']) assert.ok(lines.includes(`wrote ${out}/${name}.ini`), `${name}.ini:\n${stdout}`);
    for (const expected of [
      /^web: PORT \d+: http-socket = 127\.0\.0\.1:\d+ \(loopback only\)/,
      /^web: watch: not translated: .*touch-reload/,
      /^web: out_file: not translated/,
      /^jobs: cron_restart: not translated/,
      /^api\/py: exec: the app binds port 5000 itself/,
      /^deploy: not translated/,
    ]) {
      assert.ok(lines.some((line) => expected.test(line)), `${String(expected)} in:\n${stdout}`);
    }
    assert.deepEqual(readdirSync(out).sort(), ['api-py.ini', 'jobs.ini', 'web.ini']);
    assert.match(readFileSync(`${out}/jobs.ini`, 'utf8'), /^script-args = --queue 'jobs '\\''high'\\'''$/m);
    assert.match(readFileSync(`${out}/web.ini`, 'utf8'), /^reload-on-rss = 300$/m);
    assert.match(readFileSync(`${out}/api-py.ini`, 'utf8'), /^exec = python3 app\.py --port 5000$/m);

    const { cli, port: served } = await startMaster([`${out}/web.ini`]);
    assert.equal(served, port);
    assert.equal(liveWorkerPids(cli).length, 2, 'instances 2 → 2 workers');
    const reply = await get({ port });
    assert.equal(reply.status, 200);
    assert.match(reply.body, /^web (\d+) hello 100% \$\(not a command\) production$/);
    assert.ok(liveWorkerPids(cli).includes(Number(reply.body.split(' ')[1])));
  });

  it('never replaces a file without --force, and exits 1 when nothing was written', async () => {
    const out = dir.file('again');
    assert.equal((await importPm2([ECOSYSTEM, '--out', out])).code, 0);
    const before = readFileSync(`${out}/web.ini`, 'utf8');
    const second = await importPm2([ECOSYSTEM, '--out', out, '--env', 'production']);
    assert.equal(second.code, 1);
    assert.match(second.stdout, new RegExp(`^web: not written: ${out}/web\\.ini exists \\(--force replaces it\\)$`, 'm'));
    assert.equal(readFileSync(`${out}/web.ini`, 'utf8'), before);
    const forced = await importPm2([ECOSYSTEM, '--out', out, '--env', 'production', '--force']);
    assert.equal(forced.code, 0);
    assert.match(readFileSync(`${out}/web.ini`, 'utf8'), /^env = NODE_ENV=production$/m);
  });

  it('exits 2 with one line naming an ecosystem file it cannot read, an --out that is not a directory, or a usage error', async () => {
    const broken = dir.write('broken.config.js', 'module.exports = { apps: [ };\n');
    const bad = await importPm2([broken, '--out', dir.file('none')]);
    assert.equal(bad.code, 2);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /^uwemperor import-pm2: .*broken\.config\.js: cannot load it: SyntaxError: .*\n$/);
    const notDir = await importPm2([ECOSYSTEM, '--out', broken]);
    assert.equal(notDir.code, 2);
    assert.equal(notDir.stderr, `uwemperor import-pm2: --out ${broken}: not a directory\n`);
    const usage = await importPm2([]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^uwemperor import-pm2: expected one ecosystem file, got 0/);
  });
});
