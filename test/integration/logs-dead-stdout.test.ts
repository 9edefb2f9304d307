// A process whose stdout reader is gone must still exit: the log lines still
// queued at exit are written synchronously, and a write that can never succeed
// (EPIPE here, EIO for a closed terminal) gives up instead of being retried forever.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { REPO_ROOT } from '../helpers/paths.js';
import { isAlive, waitFor } from '../helpers/wait-for.js';

const DESTINATION = `${REPO_ROOT}dist/src/log/log-destination.js`;

// told to go on (stdin), it queues two lines, the first in flight and the second behind it, and exits at once
const CHILD = `
import { LogDestination } from ${JSON.stringify(DESTINATION)};
const destination = new LogDestination({ format: 'json', backups: 1 });
process.stdin.once('data', () => {
  destination.write('{"msg":"first"}\\n');
  destination.write('{"msg":"second"}\\n');
  process.exit(7);
});
process.stdout.write('waiting\\n');
`;

it('exits with its lines queued for a stdout whose reader has gone', async () => {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], { stdio: ['pipe', 'pipe', 'ignore'] });
  const pid = child.pid ?? -1;
  try {
    let exited = false;
    child.once('exit', () => (exited = true));
    await Promise.race([once(child.stdout, 'data'), waitFor('the child to start', () => (exited ? true : undefined))]);
    assert.ok(!exited, 'the child started');
    // the reader goes away: every write from now on fails with EPIPE
    child.stdout.destroy();
    child.stdin.write('go\n');
    const code = await waitFor('the child to exit', () => child.exitCode ?? child.signalCode ?? undefined, 10_000);
    assert.equal(code, 7);
  } finally {
    if (isAlive(pid)) child.kill('SIGKILL');
  }
});
