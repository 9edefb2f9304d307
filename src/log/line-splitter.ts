// A byte stream cut into lines, as a worker's pipe delivers it: a line split
// over several reads is joined, a line longer than the limit is cut there
// (marked), and the rest of it up to the next newline is skipped, so the
// memory held for one worker never exceeds the limit.

/** Longest line kept whole, in bytes; a longer one is cut here and marked `cut: true` (documented in the README). */
export const MAX_LINE_BYTES = 16 * 1024;

/** What a line splitter hands on: the text (no newline) and whether it was cut. */
export type LineSink = (line: string, cut: boolean) => void;

/** Join partial lines, cut long ones; pure apart from the sink it calls. */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** inside a line already cut: bytes are skipped up to its newline */
  private skipping = false;
  /** lines cut at the limit so far */
  cutLines = 0;

  constructor(private readonly sink: LineSink, private readonly maxBytes = MAX_LINE_BYTES) {}

  /** Take one chunk; every line it completes goes to the sink now. */
  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline;
      this.take(chunk.subarray(start, end));
      if (newline === -1) return;
      this.finishLine();
      start = newline + 1;
    }
  }

  /** The stream ended: a last line without newline is still a line. */
  end(): void {
    if (this.pendingBytes > 0) this.finishLine();
    this.skipping = false;
  }

  private take(part: Buffer): void {
    if (this.skipping || part.length === 0) return;
    const room = this.maxBytes - this.pendingBytes;
    if (part.length <= room) {
      this.pending.push(part);
      this.pendingBytes += part.length;
      return;
    }
    this.pending.push(part.subarray(0, room));
    this.pendingBytes += room;
    this.emit(true);
    this.skipping = true;
  }

  private finishLine(): void {
    if (this.skipping) this.skipping = false;
    else this.emit(false);
  }

  private emit(cut: boolean): void {
    const bytes = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    if (cut) this.cutLines += 1;
    // CRLF from a Windows-minded app: the CR is not part of the line
    const text = bytes.toString('utf8');
    this.sink(!cut && text.endsWith('\r') ? text.slice(0, -1) : text, cut);
  }
}
