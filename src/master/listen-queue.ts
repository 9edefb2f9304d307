// Each listening socket's accept queue as the kernel sees it. For a TCP
// listener Linux prints, on the socket's row of /proc/net/tcp (or tcp6), the
// connections waiting to be accepted as rx_queue; the row is found by the
// inode that fstat gives for the master's own descriptor. The queue's limit is only
// told by netlink (sock_diag, what `ss` shows as Send-Q) or TCP_INFO, neither
// of which Node reaches: it is the backlog we asked for, capped at
// net.core.somaxconn as listen(2) does.
//
// A UNIX listener's queue is not readable without netlink either: as uWSGI on
// a stock Linux kernel, its queue is reported as 0.
//
// The kernel writes /proc/net/tcp as it is read, listening sockets first, then
// every other TCP socket: a whole read costs ~3 µs of CPU per socket on the
// host (36 ms with 12,000 connections). So it is read in small chunks, and only
// until the first row that is not a listener; and, as uWSGI's master checks
// its queues once a second, a reading is reused for up to a second.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import type { HeldSocket } from './sockets.js';

/** One socket's accept queue: waiting now, and the limit. */
export interface ListenQueue {
  readonly queue: number;
  readonly max_queue: number;
}

const LISTEN_STATE = '0A';

/** rx_queue (connections waiting to be accepted) of every LISTEN row of a /proc/net/tcp* text, by inode. */
export function parseProcNetTcp(text: string): Map<number, number> {
  const rows = new Map<number, number>();
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    // sl local remote st tx:rx tr:when retrnsmt uid timeout inode ...
    if (fields[3] !== LISTEN_STATE) continue;
    const rx = (fields[4] ?? '').split(':')[1] ?? '';
    const inode = Number(fields[9]);
    if (Number.isInteger(inode) && inode > 0) rows.set(inode, parseInt(rx, 16) || 0);
  }
  return rows;
}

let somaxconn: number | null = null;

/** net.core.somaxconn, read once (4096 on current kernels, 128 on old ones). */
function maxBacklog(): number {
  if (somaxconn === null) {
    try {
      somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8').trim()) || 4096;
    } catch {
      somaxconn = 4096;
    }
  }
  return somaxconn;
}

/** A complete row whose state is not LISTEN: the listeners' part of the file is over. */
const PAST_LISTENERS = /^\s*\d+: \S+ \S+ (?!0A)[0-9A-F]{2} /m;
const CHUNK_BYTES = 16 * 1024;

/** The listeners' rows of a /proc/net/tcp* file (read synchronously: procfs never waits on a disk). */
export function readListenRows(file: string): Map<number, number> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return new Map(); // not Linux, or no IPv6
  }
  try {
    const chunk = Buffer.alloc(CHUNK_BYTES);
    let text = '';
    for (;;) {
      const read = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (read === 0) break;
      text += chunk.toString('latin1', 0, read);
      const past = PAST_LISTENERS.exec(text);
      if (past !== null) return parseProcNetTcp(text.slice(0, past.index));
    }
    return parseProcNetTcp(text);
  } finally {
    closeSync(fd);
  }
}

function inodeOf(socket: HeldSocket): number | null {
  try {
    return fstatSync(socket.raw.fd).ino;
  } catch {
    return null; // closed meanwhile (a reload removed it)
  }
}

/** How long a reading is reused. */
export const LISTEN_QUEUE_MAX_AGE_MS = 1_000;

/** Reads the queues at most once per LISTEN_QUEUE_MAX_AGE_MS for the same sockets. */
export class ListenQueueReader {
  private last: { readonly at: number; readonly sockets: readonly HeldSocket[]; readonly queues: readonly ListenQueue[] } | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  read(sockets: readonly HeldSocket[], backlog: number): readonly ListenQueue[] {
    const now = this.now();
    const last = this.last;
    if (last !== null && last.sockets === sockets && now - last.at < LISTEN_QUEUE_MAX_AGE_MS) return last.queues;
    const queues = listenQueues(sockets, backlog);
    this.last = { at: now, sockets, queues };
    return queues;
  }
}

/** The accept queue of each socket, in order; `backlog` is the configured listen backlog. */
export function listenQueues(sockets: readonly HeldSocket[], backlog: number): ListenQueue[] {
  const tcp = sockets.filter((socket) => socket.spec.address.type === 'tcp');
  // bindSocket writes an IPv6 address in brackets: "[::1]:8080"
  const v6 = tcp.some((socket) => socket.where.startsWith('['));
  const v4 = tcp.some((socket) => !socket.where.startsWith('['));
  const rows4 = v4 ? readListenRows('/proc/net/tcp') : new Map<number, number>();
  const rows6 = v6 ? readListenRows('/proc/net/tcp6') : new Map<number, number>();
  const max = Math.min(backlog, maxBacklog());
  return sockets.map((socket) => {
    if (socket.spec.address.type === 'unix') return { queue: 0, max_queue: max };
    const inode = inodeOf(socket);
    const queue = inode === null ? undefined : (rows4.get(inode) ?? rows6.get(inode));
    return { queue: queue ?? 0, max_queue: max };
  });
}
