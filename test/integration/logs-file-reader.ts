// Read a log file as a master writes it: new bytes since the last read, cut
// into parsed records. Worker output records are counted, and those matching
// `skip` are not kept, so a 100 MB flood does not fill the test's memory.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { LogLine } from '../helpers/spawned-cli.js';
import { waitFor } from '../helpers/wait-for.js';

export class LogFileReader {
  readonly lines: LogLine[] = [];
  /** worker output records seen */
  outputRecords = 0;
  private offset = 0;
  private partial = '';

  constructor(private readonly path: string, private readonly skip?: RegExp) {}

  /** Read what was appended since the last call. */
  poll(): void {
    if (!existsSync(this.path)) return;
    const size = statSync(this.path).size;
    if (size <= this.offset) return;
    const fd = openSync(this.path, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(size - this.offset, 8 << 20));
      const read = readSync(fd, buffer, 0, buffer.length, this.offset);
      this.offset += read;
      const parts = (this.partial + buffer.subarray(0, read).toString('utf8')).split('\n');
      this.partial = parts.pop() ?? '';
      for (const text of parts) this.add(text);
    } finally {
      closeSync(fd);
    }
  }

  private add(text: string): void {
    const output = text.includes('"stream":"');
    if (output) this.outputRecords += 1;
    if (!output || this.skip === undefined || !this.skip.test(text)) this.lines.push(JSON.parse(text) as LogLine);
  }

  find(msg: string | RegExp, fields: Record<string, unknown> = {}): LogLine[] {
    const matches = (line: LogLine): boolean => (typeof msg === 'string' ? line.msg === msg : msg.test(String(line.msg)));
    return this.lines.filter((line) => matches(line) && Object.entries(fields).every(([k, v]) => line[k] === v));
  }

  /** Wait for the count-th record whose msg matches. */
  waitFor(msg: string | RegExp, fields: Record<string, unknown> = {}, count = 1, timeoutMs = 15_000): Promise<LogLine> {
    return waitFor(`"${String(msg)}" x${count} in ${this.path}`, () => {
      this.poll();
      return this.find(msg, fields)[count - 1];
    }, timeoutMs, 50);
  }
}
