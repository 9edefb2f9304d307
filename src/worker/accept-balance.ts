// A module worker's side of accept balancing (rule in accept-share.ts): count
// its open connections, publish the count in its slot of the master's board (a
// small shared file, one int32 per worker slot, inherited as a descriptor), and
// pause or resume accepting on its listening handles. Node has no public way to
// stop accepting without closing the socket; libuv (1.45 and later) accepts one
// connection per readiness event and stops watching a stream on uv_read_stop,
// so readStop()/readStart() on the listening handle pause and resume it, and
// nothing is refused: the connections wait in the kernel's backlog.
import { readSync, writeSync } from 'node:fs';
import type { Server as NetServer, Socket } from 'node:net';
import { GONE, overShare, siblingsMoved } from './accept-share.js';

/** How often a paused worker looks at the board again. */
const RECHECK_MS = 10;
/** Siblings that accepted nothing for this long are stuck: stop waiting for them. */
const STALL_MS = 300;
/** After giving up on a stuck sibling, accept freely this long. */
const COOLDOWN_MS = 2_000;

/** The board of per-slot connection counts, read and written as a whole or one slot. */
export interface AcceptBoard {
  read(into: Int32Array): void;
  write(slot: number, count: number): void;
}

/** The board in a file descriptor the master passed (positional reads and writes, coherent across processes). */
export function fileBoard(fd: number): AcceptBoard {
  const one = new Int32Array(1);
  return {
    read: (into) => void readSync(fd, into, 0, into.byteLength, 0),
    write: (slot, count) => {
      one[0] = count;
      writeSync(fd, one, 0, 4, slot * 4);
    },
  };
}

/** A listening handle as libuv's stream wrap exposes it; both return 0 on success. */
interface StreamHandle {
  readStart(): number;
  readStop(): number;
}

function handleOf(server: NetServer): StreamHandle | null {
  const handle = (server as unknown as { _handle?: Partial<StreamHandle> | null })._handle;
  return typeof handle?.readStart === 'function' && typeof handle.readStop === 'function' ? (handle as StreamHandle) : null;
}

/** Balances one worker's listening servers against its siblings through the board. */
export class AcceptBalance {
  private open = 0;
  private paused = false;
  private readonly handles: StreamHandle[] = [];
  private readonly board: Int32Array;
  private readonly seen: Int32Array;
  private timer: NodeJS.Timeout | null = null;
  private lastMoveAt = 0;
  private cooldownUntil = 0;
  private readonly onClose = (): void => this.closed();

  constructor(
    private readonly io: AcceptBoard,
    private readonly slot: number,
    slots: number,
    private readonly servers: readonly NetServer[],
    private readonly now: () => number = Date.now,
  ) {
    this.board = new Int32Array(slots);
    this.seen = new Int32Array(slots);
    // a handle whose readStart fails (not opened from a descriptor, another libuv) cannot pause: the worker only publishes
    for (const server of servers) {
      const handle = handleOf(server);
      if (handle !== null && handle.readStart() === 0) this.handles.push(handle);
      server.on('connection', (socket: Socket) => this.accepted(socket));
    }
    this.publish();
    process.once('exit', () => io.write(slot, GONE));
  }

  /** Whether this worker can pause its accepting at all (false: it still publishes its count). */
  get canPause(): boolean {
    return this.handles.length === this.servers.length && this.handles.length > 0;
  }

  private accepted(socket: Socket): void {
    this.open += 1;
    socket.once('close', this.onClose);
    this.publish();
    if (this.open > 1 && !this.paused && this.canPause && this.now() >= this.cooldownUntil && this.over()) this.pause();
  }

  private closed(): void {
    this.open -= 1;
    this.publish();
    if (this.paused && !this.over()) this.resume();
  }

  /** Our count in our slot; GONE once a drain closed our servers (a sibling must not wait on us). */
  private publish(): void {
    this.io.write(this.slot, this.servers.every((server) => server.listening) ? this.open : GONE);
  }

  private over(): boolean {
    this.io.read(this.board);
    return overShare(this.open, this.board, this.slot);
  }

  private pause(): void {
    for (const handle of this.handles) handle.readStop();
    this.paused = true;
    this.seen.set(this.board);
    this.lastMoveAt = this.now();
    this.timer = setTimeout(() => this.recheck(), RECHECK_MS);
  }

  private recheck(): void {
    this.timer = null;
    if (!this.paused) return;
    if (!this.over()) return this.resume();
    if (siblingsMoved(this.seen, this.board, this.slot)) {
      this.seen.set(this.board);
      this.lastMoveAt = this.now();
    } else if (this.now() - this.lastMoveAt >= STALL_MS) {
      this.cooldownUntil = this.now() + COOLDOWN_MS;
      return this.resume();
    }
    this.timer = setTimeout(() => this.recheck(), RECHECK_MS);
  }

  private resume(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.paused = false;
    // a server closed by a drain has no handle left to start
    for (const [index, handle] of this.handles.entries()) if (this.servers[index]?.listening === true) handle.readStart();
  }
}

/** Start balancing when the master passed a board (UW_ACCEPT_BOARD_FD, UW_ACCEPT_SLOTS); null otherwise. */
export function balanceFromEnv(env: NodeJS.ProcessEnv, servers: readonly NetServer[]): AcceptBalance | null {
  const fd = Number(env.UW_ACCEPT_BOARD_FD);
  const slots = Number(env.UW_ACCEPT_SLOTS);
  const slot = Number(env.UW_WORKER_ID) - 1;
  if (!Number.isInteger(fd) || fd < 3 || !Number.isInteger(slots) || slots < 2 || !Number.isInteger(slot) || slot < 0 || slot >= slots) return null;
  return new AcceptBalance(fileBoard(fd), slot, slots, servers);
}
