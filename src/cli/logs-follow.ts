// `uwemperor logs -f`: a log file followed as `tail -F` does. The name is
// looked at on every poll: a file renamed away (logrotate's create mode) is
// read to its end, then the new file at the name from its start; a file
// truncated in place (copytruncate) is read again from its start; a name that
// is missing for a while is waited for. Every open goes through `open` (the
// checks of logs-open.ts): a refusal is thrown out of poll().
import { closeSync, fstatSync, readSync, statSync } from 'node:fs';
import { LogsUnavailableError } from './logs-sources.js';

/** Opens the followed name read-only; throws (LogsUnavailableError: a file it must not read). */
export type OpenLog = (path: string) => number;

/** Bytes read per poll and file at most: a flood is shown in steps, never held whole in memory. */
const READ_BYTES = 1024 * 1024;

/** One followed file: its descriptor, where reading stopped, and the line begun but not ended. */
export class FollowedFile {
  private fd: number | null;
  private ino: number;
  private partial = '';

  /** Follow `path` from `position` of the already open `fd` (the end of what was shown); fd null: a file yet to appear. */
  constructor(readonly path: string, fd: number | null, private position: number, private readonly open: OpenLog) {
    this.fd = fd;
    this.ino = fd === null ? -1 : fstatSync(fd).ino;
  }

  /** The complete lines appended since the last poll. */
  poll(): string[] {
    const lines = this.fd === null ? [] : this.readToEnd(this.fd);
    const current = this.inodeAtName();
    if (current !== null && current !== this.ino && this.readAll()) {
      // renamed away and replaced: the old file was read to its end just now; a last line left without its break is shown too
      if (this.partial !== '') lines.push(this.partial);
      this.reopen();
      if (this.fd !== null) lines.push(...this.readToEnd(this.fd));
    }
    return lines;
  }

  /** Whether the open file was read to its end (a rename is acted on only then). */
  private readAll(): boolean {
    return this.fd === null || fstatSync(this.fd).size <= this.position;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private readToEnd(fd: number): string[] {
    const size = fstatSync(fd).size;
    if (size < this.position) {
      // truncated in place: what is there now is new
      this.position = 0;
      this.partial = '';
    }
    const lines: string[] = [];
    const buffer = Buffer.alloc(Math.min(READ_BYTES, Math.max(0, size - this.position)));
    if (buffer.length === 0) return lines;
    const read = readSync(fd, buffer, 0, buffer.length, this.position);
    this.position += read;
    const parts = (this.partial + buffer.subarray(0, read).toString('utf8')).split('\n');
    this.partial = parts.pop() ?? '';
    for (const part of parts) if (part !== '') lines.push(part);
    return lines;
  }

  private inodeAtName(): number | null {
    try {
      return statSync(this.path).ino;
    } catch {
      return null; // between the rename and the new file: keep reading the old one
    }
  }

  private reopen(): void {
    this.close();
    this.partial = '';
    this.position = 0;
    try {
      this.fd = this.open(this.path);
      this.ino = fstatSync(this.fd).ino;
    } catch (err) {
      if (err instanceof LogsUnavailableError) throw err;
      this.fd = null;
      this.ino = -1; // looked for again at the next poll
    }
  }
}
