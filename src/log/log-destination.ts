// Where a master's log lines go: stdout or a file (logto), written by pino's
// own sonic-boom in asynchronous mode, so a slow disk or reader never blocks
// the event loop. It tells its writers when it is backed up (they pause the
// workers' pipes until it drains), keeps at most MAX_BUFFERED_BYTES queued
// (beyond that lines are dropped and counted), reopens on demand (logrotate),
// rotates by size, and reports a failing file once while serving goes on.
import { EventEmitter } from 'node:events';
import sonicBoom from 'sonic-boom';
import { openLogFile, type OpenAs } from './log-file.js';
import { shiftBackups } from './log-rotation.js';
import { formatText } from './text-format.js';

type Boom = sonicBoom.SonicBoom;

/** Bytes queued for the file at most; a line beyond is dropped (counted), never queued. */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** What the master's log lines are written to, and how. */
export interface DestinationSpec {
  /** absolute path; undefined for stdout */
  readonly file?: string;
  /** open the file as this user (logto2) */
  readonly openAs?: OpenAs;
  readonly format: 'json' | 'text';
  /** rotate once the file would grow past this many bytes */
  readonly maxSize?: number;
  readonly backups: number;
}

/** A pino destination stream with back-pressure, reopen and rotation. */
export class LogDestination extends EventEmitter {
  private boom: Boom;
  /** streams of files closed by a reopen or rotation that still write what they had queued */
  private readonly closing = new Set<Boom>();
  /** bytes in the current file (for log-maxsize), counted as they are queued */
  private size = 0;
  /** lines dropped because the queue was full (the file not writable, the reader stalled), by it or by a writer that asked full() */
  dropped = 0;
  private failing = false;
  /** the file refuses writes (disk full, EIO): retried every RETRY_MS, writers never held for it */
  private stalled: { readonly since: number; readonly dropped: number; readonly retry: NodeJS.Timeout } | null = null;
  /** stdout is gone for good (its terminal closed, its reader exited): lines are dropped and counted */
  private gone = false;

  /** Opens the file now (throws its error: the caller turns it into a config error). */
  constructor(private readonly spec: DestinationSpec) {
    super();
    this.boom = this.open();
    // what is still queued at exit is written synchronously (pino registers no hook for a stream of ours)
    process.once('exit', () => this.flushSync());
  }

  /** pino's entry point: one serialised record. */
  write(line: string): boolean {
    if (this.gone) {
      this.dropped += 1;
      return true;
    }
    const text = this.spec.format === 'text' ? formatText(line) : line;
    const bytes = Buffer.byteLength(text);
    if (this.spec.maxSize !== undefined && this.size > 0 && this.size + bytes > this.spec.maxSize) this.rotate();
    this.size += bytes;
    return this.boom.write(text);
  }

  /** The file lines go to (the one opened at start: a reload does not move it), undefined for stdout. */
  get file(): string | undefined {
    return this.spec.file;
  }

  /** True while more than a pipe's worth waits: writers should wait for 'drain'. */
  get backedUp(): boolean {
    return !this.gone && this.stalled === null && this.queued() >= BACKED_UP_BYTES;
  }

  /** True when a line of `bytes` would be dropped. */
  full(bytes: number): boolean {
    return !this.gone && this.queued() + bytes > MAX_BUFFERED_BYTES;
  }

  /** Close the file and open its name again (after logrotate moved it): queued lines go to the old file, new ones to the new. */
  reopen(): void {
    if (this.spec.file === undefined) return;
    let next: Boom;
    try {
      next = this.open();
    } catch (err) {
      return this.report(err, 'log file cannot be reopened, still writing to the old one');
    }
    const old = this.boom;
    this.boom = next;
    this.size = 0;
    old.removeAllListeners('drain');
    this.closing.add(old);
    old.once('close', () => this.closing.delete(old));
    old.end();
  }

  /** Write what is queued now (at exit). Gives up at the first error: a dead terminal fails every retry. */
  flushSync(): void {
    if (this.gone) return;
    // the files a rotation or reopen closed first: their lines come before the current file's
    for (const boom of [...this.closing, this.boom]) {
      try {
        // a reader stalled at exit is waited for this long, not forever (sonic-boom 5 reads it at each retry;
        // the option is missing from its types)
        (boom as unknown as { maxWriteRetries: number }).maxWriteRetries = EXIT_WRITE_RETRIES;
        boom.flushSync();
      } catch {
        // not open yet, or the file or terminal is failing: nothing more can be done at exit
      }
    }
  }

  /** pino's logger.flush(). */
  flush(callback?: (err?: Error) => void): void {
    if (this.gone) return callback?.();
    this.boom.flush(callback);
  }

  private open(): Boom {
    const fd = this.spec.file === undefined ? 1 : openLogFile(this.spec.file, this.spec.openAs);
    // sonic-boom itself, not pino.destination(): pino would flush it at exit with sonic-boom 4's
    // flushSync, which retries EIO forever (a master whose terminal closed never exited);
    // sonic-boom 5 throws errors it cannot retry
    // EAGAIN (a stalled reader) is retried without end while serving: the writers wait on the
    // queue, which drains once the reader reads again; only the exit flush bounds it (flushSync)
    const boom = new sonicBoom.SonicBoom({ fd, sync: false, maxLength: MAX_BUFFERED_BYTES });
    boom.on('drain', () => this.emit('drain'));
    boom.on('drop', () => (this.dropped += 1));
    boom.on('error', (err: unknown) => {
      // a closed terminal (EIO) or reader (EPIPE) never comes back: retrying every line would spin on it
      if (this.spec.file === undefined && STDOUT_GONE.has((err as NodeJS.ErrnoException).code ?? '')) this.gone = true;
      this.report(err, this.gone ? 'stdout is gone: log lines are dropped from now on' : 'log file write failed; lines are kept up to the queue limit, then dropped and counted');
      if (!this.gone && !this.stall(boom)) return;
      // writers paused on the backed-up queue would otherwise wait for a drain that never comes
      this.emit('drain');
    });
    boom.on('write', () => this.recovered(boom));
    return boom;
  }

  private rotate(): void {
    if (this.spec.file === undefined) return;
    try {
      shiftBackups(this.spec.file, this.spec.backups);
    } catch (err) {
      this.size = 0; // do not try again at every line
      return this.report(err, 'log file cannot be rotated');
    }
    this.reopen();
  }

  private queued(): number {
    return (this.boom as unknown as { _len: number })._len;
  }

  /** Once per episode, on stderr (the log itself is what fails), never fatal. */
  private report(err: unknown, msg: string): void {
    if (this.failing) return;
    this.failing = true;
    const error = err instanceof Error ? err.message : String(err);
    try {
      process.stderr.write(`${JSON.stringify({ level: 'error', time: new Date().toISOString(), pid: process.pid, file: this.spec.file, error, msg })}\n`);
    } catch {
      // stderr is the same closed terminal: nobody is left to tell
    }
  }

  /**
   * A file that fails a write (ENOSPC, EIO) is retried every RETRY_MS: new lines
   * may never come to retry it (the queue full, they are dropped before it),
   * and the writers paused on it are let go, so the apps keep serving while
   * their lines queue up to the limit. True when writers must be told (a new stall).
   */
  private stall(boom: Boom): boolean {
    if (this.spec.file === undefined || this.stalled !== null || boom !== this.boom) return false;
    const retry = setInterval(() => {
      // the files a reopen or rotation closed while the disk was full still hold their last lines
      for (const boom of [...this.closing, this.boom]) {
        try {
          boom.flush();
        } catch {
          // destroyed (reopened meanwhile): the new file is written to directly
        }
      }
    }, RETRY_MS);
    retry.unref();
    this.stalled = { since: Date.now(), dropped: this.dropped, retry };
    return true;
  }

  private recovered(boom: Boom): void {
    this.failing = false;
    const stalled = this.stalled;
    if (stalled === null || boom !== this.boom) return;
    this.stalled = null;
    clearInterval(stalled.retry);
    const record = { level: 'warn', time: new Date().toISOString(), pid: process.pid, file: this.spec.file, failedMs: Date.now() - stalled.since, droppedLines: this.dropped - stalled.dropped, msg: 'log file writable again' };
    const line = `${JSON.stringify(record)}\n`;
    try {
      process.stderr.write(line);
    } catch {
      // nobody to tell on stderr: the file says it
    }
    // written after sonic-boom's own 'write' handling is over, into the file that failed
    setImmediate(() => this.write(line));
  }
}

/** Errors after which stdout never works again. */
const STDOUT_GONE = new Set(['EIO', 'EPIPE', 'EBADF', 'ENXIO', 'ECONNRESET']);

// a write to a closed terminal also fails asynchronously, as an 'error' event that nobody else listens to
process.stderr.on('error', () => undefined);

/** EAGAIN retries (100 ms apart) of a write at exit before giving up: a reader stalled for 5 s is not waited for. */
const EXIT_WRITE_RETRIES = 50;

/** How often a failing log file is tried again. */
const RETRY_MS = 1_000;

/** Queued bytes above which writers pause their sources. */
const BACKED_UP_BYTES = 256 * 1024;
