// A tyrant master runs as the owner the emperor saw at the vassal's path a
// moment before; the file it then reads must still be that owner's, or another
// user could swap their own config in at that name and have it run as the owner.
import { after, afterEach, it } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync } from 'node:fs';
import { APPS, UW_BIN } from '../helpers/paths.js';
import { killAll, SpawnedCli } from '../helpers/spawned-cli.js';
import { TempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const dir = new TempDir();
afterEach(killAll);
after(() => dir.remove());

it('a tyrant master refuses a vassal file that is not owned by the user it runs as', { skip: process.getuid?.() !== 0 ? 'needs root (to give the file to another user)' : false }, async () => {
  const file = dir.write('swapped.ini', `[uwsgi]\nhttp-socket = 127.0.0.1:0\nmodule = ${APPS}hello.mjs\n`);
  // this master runs as root; the file is nobody's, as if swapped in after the emperor looked
  chownSync(file, 65534, 65534);
  const cli = new SpawnedCli(UW_BIN, [file], { env: { ...process.env, UW_TYRANT: '1' } });
  // a master that read the file anyway would serve on and never exit
  await waitFor('uw to refuse the file and exit', () => (cli.child.exitCode !== null || cli.child.signalCode !== null ? true : undefined), 30_000);
  assert.equal((await cli.exited).code, 2);
  assert.match(cli.stderr, /swapped\.ini: cannot read the config file: tyrant mode: it is not owned by the user this master runs as .*\[UW_CONFIG_UNREADABLE\]\n$/);
  assert.equal(cli.find('worker spawned').length, 0);
});
