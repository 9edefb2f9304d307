// The master FIFO (`master-fifo = PATH`, repeatable): every byte written to it
// is a command, as in uWSGI. The first path is active; a digit 0-9 moves the
// FIFO to that slot's path once the bytes read with it ran (the old path is
// removed, so that another master can take it: uWSGI's slot dance). It is kept
// across reloads, moved when the option changes, and removed at stop. It only
// hands commands to the master; the master's loop does the work.
import { closeSync } from 'node:fs';
import { Socket } from 'node:net';
import { describeError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { decodeFifoBytes, showByte } from './master-fifo-commands.js';
import { createFifo, isStillOurs, removeFifo, type OpenFifo } from './master-fifo-path.js';
import type { MasterCommand } from './signals.js';

/** The open FIFO and the stream reading it. */
interface Held {
  readonly fifo: OpenFifo;
  readonly reader: Socket;
}

/** One master's FIFO: the configured slots, the one open now, and the bytes already warned about. */
export class MasterFifo {
  private paths: readonly string[] = [];
  private file = '';
  private current: Held | null = null;
  private readonly unknownLogged = new Set<number>();

  constructor(
    private readonly log: Logger,
    private readonly onCommand: (command: MasterCommand) => void,
  ) {}

  /** At start: make the first slot's FIFO; throws UwError (UW_PATH_NOT_OURS, UW_MASTER_FIFO). */
  open(paths: readonly string[], file: string): void {
    this.paths = paths;
    this.file = file;
    const first = paths[0];
    if (first === undefined) return;
    this.current = this.hold(createFifo(first, file));
    this.log.info({ path: first, slot: 0 }, 'master FIFO open');
  }

  /** After a reload: keep the open FIFO if the new list still names it, else move to the new first slot. */
  reconfigure(paths: readonly string[], file: string): void {
    this.paths = paths;
    this.file = file;
    if (paths.length === 0) return this.close();
    const active = this.current === null ? -1 : paths.indexOf(this.current.fifo.path);
    // a FIFO someone removed or replaced meanwhile is made again
    if (active >= 0 && this.current !== null && isStillOurs(this.current.fifo)) return;
    this.moveTo(Math.max(active, 0));
  }

  /** At stop: remove the FIFO (only if the path still names ours) and close both ends. */
  close(): void {
    const held = this.current;
    this.current = null;
    if (held === null) return;
    // no new writer can find it, then the ends close: a writer still holding it gets EPIPE
    removeFifo(held.fifo);
    held.reader.destroy();
    closeSync(held.fifo.writeFd);
  }

  /** Where the FIFO is now, for logs and tests; null when none is open. */
  get path(): string | null {
    return this.current?.fifo.path ?? null;
  }

  private hold(fifo: OpenFifo): Held {
    const reader = new Socket({ fd: fifo.readFd, readable: true, writable: false });
    const held: Held = { fifo, reader };
    reader.on('data', (chunk: Buffer) => {
      if (this.current === held) this.onBytes(chunk);
    });
    // with our own write end open, neither should ever come: if one does, say so and stop reading
    const lost = (err?: Error): void => {
      if (this.current !== held) return;
      this.log.error({ path: fifo.path, ...(err !== undefined && { err }) }, 'master FIFO lost');
      this.close();
    };
    reader.on('error', lost);
    reader.on('end', () => lost());
    return held;
  }

  private onBytes(chunk: Uint8Array): void {
    const read = decodeFifoBytes(chunk);
    for (const value of read.unknown) {
      if (this.unknownLogged.has(value)) continue;
      this.unknownLogged.add(value);
      this.log.warn({ byte: showByte(value), code: value }, 'unknown master FIFO command');
    }
    for (const { byte, command } of read.commands) {
      this.log.info({ byte, command }, 'master FIFO command');
      this.onCommand(command);
    }
    if (read.slot !== null && this.current !== null) this.switchSlot(read.slot);
  }

  /** A digit: move to that slot's path, as uWSGI's `0`-`9`. */
  private switchSlot(slot: number): void {
    const path = this.paths[slot];
    if (path === undefined) return this.log.warn({ slot, slots: this.paths.length }, 'no master FIFO in that slot');
    if (path === this.current?.fifo.path) return this.log.info({ slot, path }, 'master FIFO already in that slot');
    this.moveTo(slot);
  }

  /** Open the FIFO of `slot` first, then let go of the old one: a failure keeps the old one serving. */
  private moveTo(slot: number): void {
    const path = this.paths[slot];
    if (path === undefined) return;
    let next: Held;
    try {
      next = this.hold(createFifo(path, this.file));
    } catch (err) {
      this.log.error({ path, slot, error: describeError(err) }, 'master FIFO not moved');
      return;
    }
    this.close();
    this.current = next;
    this.log.info({ path, slot }, 'master FIFO moved');
  }
}
