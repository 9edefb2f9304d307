// Every uwemperor a test starts gets its own control socket path (through
// UWEMPEROR_CONTROL) in a directory of this test process, so tests running at
// once never meet on the default path, and none touches /run/uwemperor.sock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dir: string | null = null;
let next = 0;

/** A fresh control socket path; the directory goes when the test process exits. */
export function testControlPath(): string {
  if (dir === null) {
    const created = mkdtempSync(join(tmpdir(), 'uw-ctl-'));
    dir = created;
    process.once('exit', () => rmSync(created, { recursive: true, force: true }));
  }
  return join(dir, `emperor-${++next}.sock`);
}
