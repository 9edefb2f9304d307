// A worker's stdout and stderr, read by its master line by line and written as
// log records bound to the worker (vassal, worker, workerPid, generation) with
// `stream`; a line that is a JSON object keeps its fields. Back-pressure: while the log destination is backed up, the pipe is
// paused, so a flooding worker blocks in its own write() and the master's
// memory and event loop stay free. Lines cut at MAX_LINE_BYTES or dropped
// (the queue full because the log file fails) are counted and reported once
// the worker's pipes end.
import type { Readable } from 'node:stream';
import { LineSplitter } from '../log/line-splitter.js';
import { destinationOf, type Logger } from '../log/logger.js';

/** Keys of an app's own JSON line that the master sets itself: the app's values are dropped. */
const OUR_KEYS = ['level', 'time', 'pid', 'hostname', 'msg', 'vassal', 'worker', 'workerPid', 'generation', 'stream', 'cut'];

/**
 * A line that is a JSON object (an app logging with pino, say) stays structured:
 * its fields go into the record, under the master's attribution. Anything else is text.
 */
function jsonRecord(line: string): { fields: Record<string, unknown>; msg: string } | null {
  if (!line.startsWith('{') || !line.endsWith('}')) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const fields = { ...(parsed as Record<string, unknown>) };
  const msg = typeof fields.msg === 'string' ? fields.msg : '';
  for (const key of OUR_KEYS) delete fields[key];
  return { fields, msg };
}

/** Bytes a record adds around its message (time, level, ids), for the drop check. */
const RECORD_OVERHEAD_BYTES = 256;

export type OutputStream = 'stdout' | 'stderr';

/** The capture of one worker's output, for as long as its pipes are open. */
export class WorkerOutput {
  /** lines cut at the limit */
  cutLines = 0;
  /** lines not written because the log queue was full */
  droppedLines = 0;
  private open = 0;

  constructor(private readonly log: Logger, pipes: Partial<Record<OutputStream, Readable | null>>) {
    for (const [stream, pipe] of Object.entries(pipes) as Array<[OutputStream, Readable | null]>) {
      if (pipe) this.capture(stream, pipe);
    }
  }

  private capture(stream: OutputStream, pipe: Readable): void {
    this.open += 1;
    const splitter = new LineSplitter((line, cut) => this.write(stream, line, cut));
    pipe.on('data', (chunk: Buffer) => {
      splitter.push(chunk);
      this.holdWhileBackedUp(pipe);
    });
    // EPIPE and the like on a worker's pipe end only the capture, never the master
    pipe.on('error', () => undefined);
    // 'end' (all read) may come well before 'close': the worker's exit is reported after the first of them
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      splitter.end();
      this.cutLines += splitter.cutLines;
      this.open -= 1;
      if (this.open === 0) this.report();
    };
    pipe.once('end', end);
    pipe.once('close', end);
  }

  private write(stream: OutputStream, line: string, cut: boolean): void {
    const destination = destinationOf(this.log);
    if (destination?.full(line.length + RECORD_OVERHEAD_BYTES)) {
      this.droppedLines += 1;
      destination.dropped += 1;
      return;
    }
    const record = cut ? null : jsonRecord(line);
    if (record === null) this.log.info(cut ? { stream, cut: true } : { stream }, line);
    else this.log.info({ ...record.fields, stream }, record.msg);
  }

  /** The worker waits in write() while its pipe is paused: that is the back-pressure. */
  private holdWhileBackedUp(pipe: Readable): void {
    const destination = destinationOf(this.log);
    if (destination === undefined || !destination.backedUp || pipe.isPaused()) return;
    pipe.pause();
    destination.setMaxListeners(0);
    destination.once('drain', () => pipe.resume());
  }

  private report(): void {
    if (this.cutLines === 0 && this.droppedLines === 0) return;
    this.log.warn({ cutLines: this.cutLines, droppedLines: this.droppedLines }, 'worker output cut or dropped');
  }
}
