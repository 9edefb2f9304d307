// The emperor (root) reads a tyrant vassal's file itself before each start
// (its [emperor] binary, a uWSGI master's heartbeat and stats server), after it
// checked the file's owner at the path. A hostile owner can put another file at
// that name in between: what is parsed must be what was checked (the bytes of
// the descriptor whose owner was checked), and a file that is not the owner's
// is refused with a line that holds none of its content.
import assert from 'node:assert/strict';
import { chownSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { planMaster, type PlanSettings } from '../../src/emperor/master-plan.js';
import { readVassalFile } from '../../src/emperor/vassal-file-read.js';
import { UwError } from '../../src/errors.js';
import { openTempDir, skipUnlessRoot, TestUsers, type TestUser } from '../helpers/test-users.js';

const SECRET = 'SECRET-7c2e91';
const none: PlanSettings = { emperorWrapper: undefined, vassalBinary: [] };

describe('tyrant mode: the emperor parses the file whose owner it checked', { skip: skipUnlessRoot() }, () => {
  const users = new TestUsers();
  let alice: TestUser;
  let bob: TestUser;
  let base: ReturnType<typeof openTempDir>;
  let files = 0;
  const owned = (text: string, owner: { uid: number; gid: number }): string => {
    const file = join(base.path, `f-${++files}.ini`);
    writeFileSync(file, text, { mode: 0o600 });
    chownSync(file, owner.uid, owner.gid);
    return file;
  };
  const secretFile = (owner: { uid: number; gid: number }): string => owned(`[uwsgi]\nmodule = app.mjs\n[emperor]\nbinary = /opt/${SECRET}/uwsgi\n`, owner);

  before(() => {
    alice = users.user('uwt-sec-alice');
    bob = users.user('uwt-sec-bob');
    base = openTempDir('uw-tyrant-plan-read-');
  });
  after(() => {
    base.remove();
    users.remove();
  });

  test('a file renamed over the path after the owner check is not what is read: the checked descriptor is', async () => {
    const text = '[uwsgi]\nmodule = app.mjs\n[emperor]\nbinary = uw\n';
    const file = owned(text, alice);
    const other = secretFile({ uid: 0, gid: 0 });
    const read = await readVassalFile(file, alice, { afterCheck: () => renameSync(other, file) });
    assert.deepEqual(read, { text, uid: alice.uid, gid: alice.gid });
    assert.ok((await readVassalFile(file))?.text.includes(SECRET), 'the swap did happen');
  });

  test('another user\'s file or root\'s, put at the name (renamed over, or a symlink), is refused, and the error holds none of it', async () => {
    for (const [what, owner, link] of [['bob\'s file renamed over it', bob, false], ['a symlink to root\'s file', { uid: 0, gid: 0 }, true]] as const) {
      const file = owned('[uwsgi]\nmodule = app.mjs\n', alice);
      const other = secretFile(owner);
      if (link) {
        const made = join(base.path, `link-${++files}`);
        symlinkSync(other, made);
        renameSync(made, file);
      } else renameSync(other, file);
      // the emperor checked alice at this path: the plan is read for a master that runs as alice
      const err: unknown = await planMaster(file, none, false, alice).then(() => undefined, (caught: unknown) => caught);
      assert.ok(err instanceof UwError, `${what}: refused (got ${String(err)})`);
      assert.equal(err.code, 'UW_CONFIG_UNREADABLE', what);
      assert.match(err.message, new RegExp(`uid ${owner.uid} gid ${owner.gid}, not uid ${alice.uid} gid ${alice.gid}`), what);
      assert.ok(!`${err.message} ${JSON.stringify(err)}`.includes(SECRET), `${what}: no content in the error: ${err.message}`);
    }
  });

  test('the owner\'s own file is planned from its own bytes, with the owner of those bytes', async () => {
    const file = owned('[uwsgi]\nstats = 127.0.0.1:9191\n[emperor]\nbinary = /bin/true\n', alice);
    const plan = await planMaster(file, none, false, alice);
    assert.deepEqual(plan.kind === 'uwsgi' && [plan.binary, plan.ownerUid, plan.stats], ['/bin/true', alice.uid, { type: 'tcp', host: '127.0.0.1', port: 9191 }]);
  });
});
