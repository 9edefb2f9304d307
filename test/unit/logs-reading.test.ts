// The pieces of `uwemperor logs`: the last N lines read backwards (a line cut
// at the end left for following, other vassals' records not counted), a file
// followed through rename + new file and truncation, lines of several files
// interleaved by time, control characters kept off the terminal, and which
// file each vassal is read from.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, closeSync, openSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { FollowedFile } from '../../src/cli/logs-follow.js';
import { interleave, printable, vassalFilter } from '../../src/cli/logs-lines.js';
import { openLogFile, processUid } from '../../src/cli/logs-open.js';
import { logSources, LogsUnavailableError } from '../../src/cli/logs-sources.js';
import { lastLineEnd, readLastLines } from '../../src/cli/logs-tail.js';
import { TempDir } from '../helpers/temp-dir.js';
import { emperor, master, vassal } from './cli-documents.js';

const dir = new TempDir();
after(() => dir.remove());

/** Opens as `uwemperor logs` does, for a master running as this process's user. */
const owners = { uids: new Set([process.geteuid?.() ?? 0]), vassals: ['a.ini'] };
const open = (path: string): number => openLogFile(path, owners);
const secret = dir.write('secret', 'SECRET\n');

const record = (vassalId: string, time: string, msg: string): string => JSON.stringify({ level: 'info', time, vassal: vassalId, msg });

describe('logs: the last lines', () => {
  it('reads the last N complete lines across chunk boundaries, a line still being written left out', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'z'.repeat(i % 97)}`);
    const path = dir.write('tail.log', `${lines.join('\n')}\nhalf a li`);
    const fd = openSync(path, 'r');
    try {
      const end = lastLineEnd(fd, statSync(path).size);
      assert.equal(end, statSync(path).size - 'half a li'.length);
      assert.deepEqual(readLastLines(fd, end, 3000, () => true), lines.slice(-3000));
      assert.deepEqual(readLastLines(fd, end, 10_000, () => true), lines, 'the whole file when N is more');
      assert.deepEqual(readLastLines(fd, end, 0, () => true), []);
    } finally {
      closeSync(fd);
    }
  });

  it('counts only the lines kept by the filter (a file shared by vassals)', () => {
    const path = dir.write('shared.log', `${[record('a.ini', 't1', 'a1'), record('b.ini', 't2', 'b1'), 'not json', record('a.ini', 't3', 'a2'), record('b.ini', 't4', 'b2')].join('\n')}\n`);
    const fd = openSync(path, 'r');
    try {
      assert.deepEqual(readLastLines(fd, statSync(path).size, 5, vassalFilter(new Set(['a.ini']))).map((line) => (JSON.parse(line) as { msg: string }).msg), ['a1', 'a2']);
    } finally {
      closeSync(fd);
    }
  });
});

describe('logs: following', () => {
  it('reads what is appended, then the new file after a rename, then again from the start after a truncation', () => {
    const path = dir.write('follow.log', 'old 1\n');
    const fd = openSync(path, 'r');
    const followed = new FollowedFile(path, fd, statSync(path).size, open);
    try {
      assert.deepEqual(followed.poll(), []);
      appendFileSync(path, 'old 2\nold ');
      assert.deepEqual(followed.poll(), ['old 2']);
      appendFileSync(path, '3\n');
      renameSync(path, `${path}.1`);
      assert.deepEqual(followed.poll(), ['old 3'], 'the moved file is still read while its name is empty');
      appendFileSync(`${path}.1`, 'old 4\n');
      writeFileSync(path, 'new 1\n');
      assert.deepEqual(followed.poll(), ['old 4', 'new 1'], 'the old file to its end, then the new one from its start');
      // copytruncate: emptied in place, then written again (seen as tail -F sees it: by the size going down)
      writeFileSync(path, '');
      assert.deepEqual(followed.poll(), []);
      appendFileSync(path, 'again 1\n');
      assert.deepEqual(followed.poll(), ['again 1'], 'a truncated file is read again from its start');
    } finally {
      followed.close();
    }
  });

  it('waits for a file that does not exist yet', () => {
    const path = dir.file('later.log');
    const followed = new FollowedFile(path, null, 0, open);
    try {
      assert.deepEqual(followed.poll(), []);
      writeFileSync(path, 'first\n');
      assert.deepEqual(followed.poll(), ['first']);
    } finally {
      followed.close();
    }
  });
});

describe('logs: opening safely (a master names the file)', () => {
  it('refuses a symbolic link at the name and a FIFO, naming the vassal and the path, not the content', () => {
    const link = dir.file('link.log');
    symlinkSync(secret, link);
    assert.throws(() => open(link), (err: Error) => err instanceof LogsUnavailableError && err.message === `a.ini: refusing to read the log file ${link}: it is a symbolic link`);
    const fifo = dir.file('fifo.log');
    execFileSync('mkfifo', [fifo]);
    assert.throws(() => open(fifo), { message: `a.ini: refusing to read the log file ${fifo}: it is not a regular file` });
    closeSync(open(secret));
  });

  it('refuses a file owned by another user than its master runs as', { skip: process.geteuid?.() !== 0 && 'needs root (chown)' }, () => {
    const theirs = dir.write('theirs.log', 'SECRET\n');
    chownSync(theirs, 65534, 65534);
    assert.throws(() => open(theirs), { message: `a.ini: refusing to read the log file ${theirs}: it is owned by uid 65534, not by the user its master runs as` });
  });

  it('following refuses a symbolic link put at the name after a rotation', () => {
    const path = dir.write('rotated.log', 'one\n');
    const followed = new FollowedFile(path, open(path), statSync(path).size, open);
    try {
      renameSync(path, `${path}.1`);
      symlinkSync(secret, path);
      assert.throws(() => followed.poll(), { message: `a.ini: refusing to read the log file ${path}: it is a symbolic link` });
    } finally {
      followed.close();
    }
  });

  it('reads the uid a process runs as from /proc', () => {
    assert.equal(processUid(process.pid), process.geteuid?.());
    assert.equal(processUid(0), undefined);
    assert.equal(processUid(1, () => { throw new Error('gone'); }), undefined);
  });
});

describe('logs: printing', () => {
  it('interleaves files by time, a line without one staying after its predecessor', () => {
    const a = [record('a.ini', '2026-01-01T00:00:01.000Z', 'a1'), 'plain a', record('a.ini', '2026-01-01T00:00:04.000Z', 'a2')];
    const b = [record('b.ini', '2026-01-01T00:00:02.000Z', 'b1'), record('b.ini', '2026-01-01T00:00:03.000Z', 'b2')];
    assert.deepEqual(interleave([a, b]), [a[0], a[1], b[0], b[1], a[2]]);
  });

  it('shows the text format with control characters made visible, and raw lines as they are', () => {
    const line = JSON.stringify({ level: 'info', time: '2026-01-01T00:00:01.000Z', vassal: 'a.ini', worker: 1, stream: 'stdout', msg: 'hi \u001b]0;owned\u0007 there' });
    assert.equal(printable(line, true), '00:00:01.000 INFO  [a.ini/w1 out] hi ?]0;owned? there\n');
    assert.equal(printable('plain \u001b[2J text', true), 'plain ?[2J text\n');
    assert.equal(printable(line, false), `${line}\n`);
  });
});

describe('logs: which files', () => {
  const doc = emperor([
    vassal('a.ini', 11, master('a.ini', 11, [], { log_file: '/var/log/a.log' })),
    vassal('b.ini', 12, master('b.ini', 12, [], { log_file: '/var/log/shared.log' })),
    vassal('c.ini', 13, master('c.ini', 13, [], { log_file: '/var/log/shared.log' })),
    vassal('d.ini', 14, master('d.ini', 14, [])),
    vassal('e.ini', 0, null, { state: 'backoff' }),
  ]);

  it('reads each file once, filtering a shared file to the vassals asked for', () => {
    const shared = [{ id: 'b.ini', pid: 12 }, { id: 'c.ini', pid: 13 }];
    assert.deepEqual(logSources(doc, 'b'), { sources: [{ file: '/var/log/shared.log', vassals: new Set(['b.ini']), masters: shared }], notes: [] });
    const all = logSources(doc, undefined);
    assert.deepEqual(all.sources, [{ file: '/var/log/a.log', vassals: null, masters: [{ id: 'a.ini', pid: 11 }] }, { file: '/var/log/shared.log', vassals: null, masters: shared }]);
    assert.deepEqual(all.notes, ['d.ini logs to the emperor\'s stdout, not to a file (set logto, or the emperor\'s vassal-logto-dir)', 'e.ini has no master running (backoff), so where it logs is not known']);
  });

  it('refuses a vassal without a file, and an unknown name with the closest one', () => {
    assert.throws(() => logSources(doc, 'd.ini'), (err: Error) => err instanceof LogsUnavailableError && /d\.ini logs to the emperor's stdout/.test(err.message));
    assert.throws(() => logSources(doc, 'c.iin'), { message: 'no vassal named "c.iin" (did you mean c.ini?)' });
    for (const bad of [42, '', 'relative.log']) {
      const hostile = emperor([vassal('h.ini', 15, master('h.ini', 15, [], { log_file: bad as string }))]);
      assert.throws(() => logSources(hostile, undefined), { message: 'h.ini: its master reports a log_file that is not an absolute path' });
    }
    assert.throws(() => logSources(doc, 'zzzzzz'), { message: 'no vassal named "zzzzzz" (the vassals: a.ini, b.ini, c.ini, d.ini, e.ini)' });
  });
});
