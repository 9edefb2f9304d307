// SIGURG, restore-snapshot: the master rebuilds its workers from the config
// that was ready before the current one (a reload that succeeded but serves
// badly is rolled back), without reading the file, which may be broken by now.
import { writeFileSync } from 'node:fs';
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../helpers/free-port.js';
import { get } from '../helpers/http-client.js';
import { APPS } from '../helpers/paths.js';
import { killAll } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { liveWorkerPids, startMaster } from '../helpers/uw-master.js';
import { waitFor } from '../helpers/wait-for.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

const vassal = (port: number, app: string, version: string): string =>
  `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${APPS}${app}\nprocesses = 2\nenv = VERSION=${version}\n`;

/** The VERSION in `count` answers, each on a new connection. */
async function versions(port: number, count = 8): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < count; i += 1) seen.add((await get({ port })).body.split(' ')[2] ?? '');
  return seen;
}

describe('restore-snapshot (SIGURG)', () => {
  it('rolls a reload that succeeded back to the config ready before it, even with a broken file; a second SIGURG stays there', async () => {
    const port = await freePort();
    const file = dir.write('rollback.ini', vassal(port, 'hello.mjs', 'Z'));
    const { cli } = await startMaster([file]);
    writeFileSync(file, vassal(port, 'hello.mjs', 'A'));
    cli.signal('SIGHUP');
    await cli.waitForLog('reload finished', { source: 'file' }, 1, 30_000);
    assert.deepEqual(await versions(port), new Set(['A']));
    // A "serves badly"; meanwhile the file was edited into something that cannot start
    writeFileSync(file, vassal(port, 'crash-on-start.mjs', 'B'));
    cli.signal('SIGURG');
    await cli.waitForLog('reload finished', { source: 'snapshot' }, 1, 30_000);
    assert.equal(cli.find('restoring a snapshot')[0]?.restoring, 'the previous ready config');
    await waitFor('the old workers gone', () => (liveWorkerPids(cli).length === 2 ? true : undefined));
    assert.deepEqual(await versions(port), new Set(['Z']));
    // the config rolled back from is forgotten: a second restore rebuilds Z, it does not return to A
    cli.signal('SIGURG');
    await cli.waitForLog('reload finished', { source: 'snapshot' }, 2, 30_000);
    assert.equal(cli.find('restoring a snapshot')[1]?.restoring, 'the current ready config');
    assert.deepEqual(await versions(port), new Set(['Z']));
    assert.equal(cli.find('worker app error').length, 0, 'the broken file was never loaded');
  });

  it('after a reload to a broken app failed and the file broke another way, rebuilds the workers from the last ready config', async () => {
    const port = await freePort();
    const file = dir.write('broken.ini', vassal(port, 'hello.mjs', 'A'));
    const { cli } = await startMaster([file]);
    const first = liveWorkerPids(cli).sort();
    writeFileSync(file, vassal(port, 'crash-on-start.mjs', 'B'));
    cli.signal('SIGHUP');
    const failed = await cli.waitForLog('reload failed, still serving with the old workers', {}, 1, 30_000);
    assert.match(String(failed.reason), /boom: this app cannot start/);
    writeFileSync(file, vassal(port, 'syntax-error.mjs', 'C'));
    cli.signal('SIGURG');
    const restored = await cli.waitForLog('reload finished', { source: 'snapshot' }, 1, 30_000);
    assert.equal(restored.generation, 2);
    await waitFor('the old workers gone', () => (liveWorkerPids(cli).length === 2 ? true : undefined));
    const now = liveWorkerPids(cli).sort();
    assert.ok(now.every((pid) => !first.includes(pid)), `workers ${now.join(', ')} include old ones ${first.join(', ')}`);
    assert.deepEqual(await versions(port), new Set(['A']));
  });
});
