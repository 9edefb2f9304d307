// The last N lines of a log file, read backwards from a given end in chunks,
// so that a multi-gigabyte file costs only what is shown. Lines of other
// vassals (a shared file) do not count towards N.
import { readSync } from 'node:fs';

/** Bytes read per step from the end. */
const CHUNK_BYTES = 64 * 1024;

/** Whether a line is to be shown. */
export type LineFilter = (line: string) => boolean;

/** Up to `n` lines that pass `keep`, oldest first, from the bytes before `end` of `fd` (a line boundary: see lastLineEnd). */
export function readLastLines(fd: number, end: number, n: number, keep: LineFilter): string[] {
  const found: string[] = [];
  let position = end;
  // bytes after the last line break seen so far (the start of a line that began in an earlier chunk)
  let carry = Buffer.alloc(0);
  while (position > 0 && found.length < n) {
    const length = Math.min(CHUNK_BYTES, position);
    position -= length;
    const chunk = Buffer.alloc(length);
    const read = readSync(fd, chunk, 0, length, position);
    const text = Buffer.concat([chunk.subarray(0, read), carry]);
    const breakAt = text.indexOf(0x0a);
    carry = position > 0 && breakAt >= 0 ? text.subarray(0, breakAt + 1) : position > 0 ? text : Buffer.alloc(0);
    const whole = position > 0 ? text.subarray(carry.length) : text;
    const lines = whole.toString('utf8').split('\n');
    lines.pop();
    for (let i = lines.length - 1; i >= 0 && found.length < n; i--) {
      const line = lines[i] as string;
      if (line !== '' && keep(line)) found.push(line);
    }
  }
  return found.reverse();
}

/** Where the complete lines before `end` stop: following starts there, so a half-written last line is read once, whole. */
export function lastLineEnd(fd: number, end: number): number {
  let position = end;
  const chunk = Buffer.alloc(4096);
  while (position > 0) {
    const length = Math.min(chunk.length, position);
    const read = readSync(fd, chunk, 0, length, position - length);
    const at = chunk.subarray(0, read).lastIndexOf(0x0a);
    if (at >= 0) return position - length + at + 1;
    position -= length;
  }
  return 0;
}
