// What a script named without a known extension is, looked at as PM2 does:
// PM2 runs a binary as is and any text file under Node. A text file whose #!
// names another interpreter is a program too (PM2 would fail running it).
import { closeSync, constants, openSync, readSync } from 'node:fs';
import type { ScriptProbe } from './import-pm2-runner.js';

const HEAD_BYTES = 512;

/** 'missing' (no readable file), 'program' (binary, or #! not naming node) or 'node'. */
export function probeScript(file: string): ScriptProbe {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO at the path must not hang the command
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return 'missing';
  }
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const bytes = head.subarray(0, readSync(fd, head, 0, HEAD_BYTES, 0));
    if (bytes.includes(0)) return 'program';
    const firstLine = bytes.toString('utf8').split('\n')[0] ?? '';
    return firstLine.startsWith('#!') && !/\bnode\b/.test(firstLine) ? 'program' : 'node';
  } catch {
    // EISDIR: PM2 cannot run a directory either
    return 'missing';
  } finally {
    closeSync(fd);
  }
}
