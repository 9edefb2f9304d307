// The config fuzzer's inputs as vassals of a real uwemperor with real masters:
// a directory full of bad files (random, mutated, hostile) beside good ones.
// Every bad vassal ends broken with one line, the emperor stays up, the good
// vassals keep serving, and no log shows a file it should not.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { loadConfig } from '../../src/config/load.js';
import { fuzzCase, SECRET, SIDE_FILES } from '../helpers/config-fuzz-inputs.js';
import { freePort } from '../helpers/free-port.js';
import { get } from '../helpers/http-client.js';
import { FIXTURES } from '../helpers/paths.js';
import { isAlive } from '../helpers/wait-for.js';
import { startEmperor, useVassalDirs, waitForState, type VassalDir } from './emperor-harness.js';

const APP = `${FIXTURES}emperor/app.mjs`;
const newDir = useVassalDirs();
const SEED = 1129;

/** Up to `n` fuzz cases that the loader refuses, written into `dir` as bad-NNN.ext; their names. */
async function writeBadVassals(dir: VassalDir, n: number): Promise<string[]> {
  const names: string[] = [];
  for (const input of fc.sample(fuzzCase, { seed: SEED, numRuns: 400 })) {
    if (names.length >= n || input.ext === '.txt') continue;
    const name = `bad-${String(names.length).padStart(3, '0')}${input.ext}`;
    const file = dir.file(name);
    writeFileSync(file, input.bytes);
    const loads = await loadConfig({ sources: [{ kind: 'file', path: file }], cwd: dir.path, env: process.env }).then(
      () => true,
      () => false,
    );
    // a random file that happens to be valid is not a bad vassal: rename it away
    if (loads) execFileSync('mv', [file, `${file}.valid`]);
    else names.push(name);
  }
  return names;
}

describe('emperor: bad vassals beside good ones (real masters)', () => {
  test('fuzzed and hostile vassal files end broken; the good vassals serve throughout', { timeout: 240_000 }, async () => {
    const dir = newDir();
    for (const [name, text] of Object.entries(SIDE_FILES)) dir.write(name, text);
    const bad = [...(await writeBadVassals(dir, 30)), ...Object.keys(SIDE_FILES).filter((name) => /\.(ini|yaml|json)$/.test(name))];
    // hostile ones: a 100 MB file, an include cycle, a placeholder bomb, an include of a FIFO
    truncateSync(dir.write('huge.ini', '[uwsgi]\n'), 100 * 1024 * 1024);
    dir.write('cycle.ini', '[uwsgi]\nini = cycle.ini\n');
    dir.write('bomb.ini', `[uwsgi]\n${Array.from({ length: 30 }, (_, i) => `p${i} = %(p${i + 1})%(p${i + 1})`).join('\n')}\np30 = x\nenv = A=%(p0)\n`);
    execFileSync('mkfifo', [dir.file('.fifo')]);
    dir.write('fifo.ini', '[uwsgi]\nini = .fifo\n');
    bad.push('huge.ini', 'cycle.ini', 'bomb.ini', 'fifo.ini');
    // not vassals at all, reported or ignored: a dangling symlink, a directory with a vassal's name
    symlinkSync(dir.file('nowhere.ini'), dir.file('dangling.ini'));
    mkdirSync(dir.file('dir.ini'));

    const ports = [await freePort(), await freePort()];
    ports.forEach((port, i) => dir.write(`good-${i}.ini`, `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = ${APP}\nenv = VERSION=${i}\n`));
    const emperor = startEmperor(['--rescan-interval', '1', dir.path], { fake: false });
    for (const i of [0, 1]) await waitForState(emperor, `good-${i}.ini`, 'ready', 1, 60_000);
    for (const name of bad) {
      const broken = await waitForState(emperor, name, 'broken', 1, 120_000);
      assert.ok(!/[\r\n]/.test(String(broken.error)), `${name}: ${String(broken.error)}`);
      // the good ones serve while the bad ones fail around them
      for (const port of ports) assert.equal((await get({ port })).status, 200);
    }
    await emperor.waitForLog('vassal file is a dangling symlink', { vassal: 'dangling.ini' }, 1, 20_000);
    assert.ok(isAlive(emperor.pid), 'the emperor is still up');
    for (const [i, port] of ports.entries()) assert.match((await get({ port })).body, new RegExp(`^hi ${i} \\d+$`));
    // a side file's own errors may quote it (it is the vassal there); nothing else may
    const shown = emperor.lines.filter((line) => JSON.stringify(line).includes(SECRET) && !Object.hasOwn(SIDE_FILES, String(line.vassal)));
    assert.deepEqual(shown, [], 'a file that may not be shown was');
    const stderr = emperor.stderr.split('\n').filter((line) => line.includes(SECRET) && !Object.keys(SIDE_FILES).some((name) => line.includes(`/${name}:`)));
    assert.deepEqual(stderr, [], 'stderr showed a file that may not be shown');
    assert.equal(emperor.find('vassal state', { vassal: 'dir.ini' }).length, 0);
    console.log(`# ${bad.length} bad vassals broken beside 2 good ones (fuzz seed ${SEED})`);
  });
});
