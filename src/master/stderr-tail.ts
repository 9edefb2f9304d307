// A worker's stderr as the master sees it: every chunk is passed through to the
// master's own stderr and the last few KiB are kept, so that a worker that dies
// can be reported with what it printed. Memory is bounded on both sides: the
// tail is a fixed-size window, and when our stderr's reader is slow the pass-
// through drops chunks instead of queueing them (a write never blocks us).
import type { Readable, Writable } from 'node:stream';

/** Bytes of the worker's last output kept for reports. */
export const TAIL_BYTES = 2_048;
/** Above this many queued bytes on our stderr, worker output is dropped, not queued. */
const PASS_THROUGH_BACKLOG_BYTES = 1 << 20;
/** Outputs that failed (EPIPE: nobody reads our stderr any more): worker output is only kept, not copied. */
const failedOutputs = new WeakSet<Writable>();
const guardedOutputs = new WeakSet<Writable>();

/** One error listener per output, however many workers copy to it: a closed stderr must not kill the master. */
function guard(output: Writable): void {
  if (guardedOutputs.has(output)) return;
  guardedOutputs.add(output);
  output.on('error', () => failedOutputs.add(output));
}

/** Keep the tail of `input`, copying it to `output` while that keeps up. */
export class StderrTail {
  private tail = Buffer.alloc(0);
  /** bytes not passed through because `output` was backed up */
  dropped = 0;

  /** `output` null: only the tail is kept (the master captures the output as log lines, worker-output.ts). */
  constructor(input: Readable, private readonly output: Writable | null = process.stderr) {
    if (output !== null) guard(output);
    input.on('data', (chunk: Buffer) => this.take(chunk));
    // EPIPE and the like on a worker's pipe end only the copy, never the master
    input.on('error', () => undefined);
  }

  private take(chunk: Buffer): void {
    if (this.output !== null) this.passThrough(this.output, chunk);
    const joined = Buffer.concat([this.tail, chunk]);
    this.tail = joined.length > TAIL_BYTES ? joined.subarray(joined.length - TAIL_BYTES) : joined;
  }

  private passThrough(output: Writable, chunk: Buffer): void {
    if (!failedOutputs.has(output) && output.writableLength < PASS_THROUGH_BACKLOG_BYTES) output.write(chunk);
    else this.dropped += chunk.length;
  }

  /** The last lines the worker printed, trimmed, or null if it printed nothing. */
  text(): string | null {
    let text = this.tail.toString('utf8');
    // a window that starts mid-line (or mid-character) starts at the next full line, if a
    // full line follows; one long last line (a JSON log record) is kept, cut, and marked
    if (this.tail.length === TAIL_BYTES) {
      const firstBreak = text.indexOf('\n');
      const fullLineFollows = firstBreak !== -1 && text.slice(firstBreak + 1).trim() !== '';
      text = fullLineFollows ? text.slice(firstBreak + 1) : `…${text.replace(/^[\uFFFD]+/, '')}`;
    }
    text = text.trim();
    return text === '' ? null : text;
  }
}
