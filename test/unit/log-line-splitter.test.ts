import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LineSplitter } from '../../src/log/line-splitter.js';
import { formatText } from '../../src/log/text-format.js';

function split(chunks: readonly string[], max?: number): { lines: string[]; splitter: LineSplitter } {
  const lines: string[] = [];
  const splitter = new LineSplitter((line, cut) => lines.push(cut ? `CUT:${line}` : line), max);
  for (const chunk of chunks) splitter.push(Buffer.from(chunk));
  return { lines, splitter };
}

describe('line splitter', () => {
  test('joins a line over several chunks and splits several lines in one', () => {
    assert.deepEqual(split(['ab', 'c\nde', 'f\ng\n']).lines, ['abc', 'def', 'g']);
  });

  test('keeps empty lines and drops the CR of a CRLF', () => {
    assert.deepEqual(split(['a\r\n\nb\n']).lines, ['a', '', 'b']);
  });

  test('cuts a long line at the limit, skips its rest, and counts it', () => {
    const { lines, splitter } = split(['0123', '456789', 'abc\nnext\n'], 5);
    assert.deepEqual(lines, ['CUT:01234', 'next']);
    assert.equal(splitter.cutLines, 1);
  });

  test('a line of exactly the limit is whole', () => {
    assert.deepEqual(split(['01234\n'], 5).lines, ['01234']);
  });

  test('a last line without newline comes out at the end', () => {
    const { lines, splitter } = split(['tail']);
    assert.deepEqual(lines, []);
    splitter.end();
    assert.deepEqual(lines, ['tail']);
  });
});

describe('text format', () => {
  test('one human line per record, whose and which stream in the prefix', () => {
    const record = JSON.stringify({ level: 'info', time: '2026-11-29T16:11:42.531Z', pid: 1, vassal: 'a.ini', worker: 2, workerPid: 9, generation: 1, stream: 'stderr', msg: 'boom', cut: true });
    assert.equal(formatText(record), '16:11:42.531 INFO  [a.ini/w2 err] boom cut=true\n');
  });

  test('a line that is not JSON passes as it is', () => {
    assert.equal(formatText('not json'), 'not json\n');
  });
});
