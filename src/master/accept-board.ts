// The board a master's module workers balance their accepting with (see
// src/worker/accept-balance.ts): one int32 per worker slot, -1 while no live
// worker accepts in it. It is an unlinked file (tmpfs when /dev/shm exists)
// created with O_EXCL and mode 0600, so no other user can open or replace it;
// workers get the open descriptor, which keeps working after setpriv drops
// their privileges. One board per master process, made on first use.
import { closeSync, constants, existsSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomHex } from '../process/random-hex.js';

/** The int32 a slot holds when no worker accepts in it (accept-share.ts GONE). */
const GONE = -1;
/** Slots in the board: workers are balanced by their id, 1..processes, so this caps `processes` that are balanced. */
export const BOARD_SLOTS = 256;

let board: number | null | undefined;

/** The board's descriptor, created on first call; null when it cannot be made (workers then accept unbalanced). */
export function acceptBoardFd(): number | null {
  if (board !== undefined) return board;
  board = null;
  const dir = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const path = join(dir, `uw-accept-${process.pid}-${randomHex(6)}`);
  let fd: number | null = null;
  try {
    // O_EXCL: never a file (or symlink) someone placed there first
    fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    unlinkSync(path);
    writeSync(fd, Buffer.from(new Int32Array(BOARD_SLOTS).fill(GONE).buffer));
    board = fd;
  } catch {
    // no board: the workers accept as they did before balancing
    if (fd !== null) closeSync(fd);
  }
  return board;
}

/** A worker in `slot` exited: no sibling waits for it. */
export function clearAcceptSlot(slot: number): void {
  if (board == null || slot < 0 || slot >= BOARD_SLOTS) return;
  const gone = new Int32Array([GONE]);
  writeSync(board, gone, 0, 4, slot * 4);
}
