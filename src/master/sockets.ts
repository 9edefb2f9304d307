// The master's listening sockets: bound once, held across reloads, inherited by
// every worker from fd 3 on (systemd's LISTEN_FDS convention), never accepted on.
import { lstatSync, rmSync } from 'node:fs';
import { isIP } from 'node:net';
import { UwError } from '../errors.js';
import type { SocketSpec } from '../config/vassal-config.js';
import { NotOursError, removeStaleSocket, SocketInUseError } from '../process/stale-socket.js';
import { bindTcp, bindUnix, BindError, type RawSocket } from './raw-socket.js';

/** One socket the master holds. */
export interface HeldSocket {
  readonly spec: SocketSpec;
  readonly raw: RawSocket;
  /** where it listens, for logs: "127.0.0.1:8080" or "/run/app.sock" */
  readonly where: string;
  /** the socket file bind() created (UNIX only): vacuum removes that file and no other */
  readonly file?: { readonly dev: number; readonly ino: number };
  /** received from this zerg server rather than bound (see zerg.ts) */
  readonly from?: string;
  /** taken back from the emperor's copy after a crash, not bound (see kept-sockets.ts) */
  readonly kept?: true;
}

export interface BindOptions {
  readonly file: string;
  readonly chmod?: number | undefined;
  /** listen(2) backlog, set at bind time */
  readonly backlog: number;
}

/** The option that declares a socket of each protocol: LISTEN_FDNAMES's names, and the key in bind errors. */
export const SOCKET_OPTION = { http: 'http-socket', uwsgi: 'socket', raw: 'raw-socket' } as const satisfies Record<SocketSpec['protocol'], string>;

/** The names of LISTEN_FDNAMES: what kind of socket each fd is. */
export function fdNames(sockets: readonly HeldSocket[]): string {
  return sockets.map((socket) => SOCKET_OPTION[socket.spec.protocol]).join(':');
}

/** Bind and listen on one socket; errors name the config file and the address. */
export async function bindSocket(spec: SocketSpec, options: BindOptions): Promise<HeldSocket> {
  const key = SOCKET_OPTION[spec.protocol];
  try {
    if (spec.address.type === 'unix') {
      const path = spec.address.path;
      await removeStaleSocket(path);
      const raw = bindUnix(path, options.backlog, options.chmod);
      const { dev, ino } = lstatSync(path);
      return { spec, raw, where: path, file: { dev, ino } };
    }
    const { host, port } = spec.address;
    // node:dns only for a host name: most sockets name an address
    const ip = isIP(host) !== 0 ? host : (await (await import('node:dns/promises')).lookup(host)).address;
    const raw = bindTcp(ip, port, isIP(ip) === 6 ? 6 : 4, options.backlog);
    return { spec, raw, where: `${isIP(ip) === 6 ? `[${ip}]` : ip}:${raw.port ?? port}` };
  } catch (err) {
    if (err instanceof UwError) throw err;
    if (err instanceof NotOursError) throw new UwError('UW_PATH_NOT_OURS', `option "${key}": ${err.message}`, { file: options.file, key });
    const errno = err instanceof SocketInUseError ? 'EADDRINUSE' : err instanceof BindError ? err.errno : ((err as NodeJS.ErrnoException).code ?? String(err));
    if (errno === 'EACCES' && spec.address.type === 'tcp' && spec.address.port < 1024 && process.geteuid?.() !== 0) {
      // not transient: this master will never be root (tyrant mode runs it as the vassal file's owner)
      throw new UwError('UW_CONFIG_PRIVILEGE', `option "${key}": port ${spec.address.port} is below 1024 and needs root, and this master runs as uid ${process.geteuid?.() ?? '?'}: use a port from 1024 or a UNIX socket (${spec.spec})`, { file: options.file, key });
    }
    const what = errno === 'EADDRINUSE' ? 'UW_SOCKET_IN_USE' : 'UW_SOCKET_BIND';
    const why = errno === 'EADDRINUSE' ? 'address already in use' : errno === 'EADDRNOTAVAIL' ? 'address not available on this host (yet?) (EADDRNOTAVAIL)' : `cannot bind (${errno})`;
    throw new UwError(what, `option "${key}": ${why}: ${spec.spec}`, { file: options.file, key });
  }
}

/**
 * Hand sockets over to exec workers blocking, as systemd does: a plain accept()
 * loop then works. The flag lives in the file description every holder shares;
 * module workers set it non-blocking again when they listen.
 */
export function prepareForExec(sockets: readonly HeldSocket[], file: string): void {
  for (const socket of sockets) {
    try {
      socket.raw.setBlocking(true);
    } catch (err) {
      throw new UwError('UW_SOCKET_BIND', `cannot make ${socket.where} blocking for exec workers: ${(err as Error).message}`, { file });
    }
  }
}

/** Close a socket and, with vacuum, remove its file: only the very socket file we bound, never what replaced it. */
export async function releaseSocket(socket: HeldSocket, vacuum: boolean): Promise<void> {
  await socket.raw.close();
  if (!vacuum || socket.spec.address.type !== 'unix' || socket.file === undefined) return;
  const path = socket.spec.address.path;
  try {
    const now = lstatSync(path);
    if (now.isSocket() && now.dev === socket.file.dev && now.ino === socket.file.ino) rmSync(path, { force: true });
  } catch {
    // already gone
  }
}

/** Sockets for a reloaded config: unchanged ones are kept (same fd), new ones bound. */
export async function reconcileSockets(
  held: readonly HeldSocket[],
  specs: readonly SocketSpec[],
  options: BindOptions,
): Promise<{ sockets: HeldSocket[]; added: HeldSocket[]; removed: HeldSocket[] }> {
  const identity = (spec: SocketSpec): string => `${spec.protocol} ${spec.spec}`;
  const byIdentity = new Map(held.map((socket) => [identity(socket.spec), socket]));
  const sockets: HeldSocket[] = [];
  const added: HeldSocket[] = [];
  try {
    for (const spec of specs) {
      const kept = byIdentity.get(identity(spec));
      if (kept) {
        sockets.push(kept);
      } else {
        const socket = await bindSocket(spec, options);
        added.push(socket);
        sockets.push(socket);
      }
    }
  } catch (err) {
    // sockets bound for this reload only: their files go too (vacuum removes only what it bound)
    await Promise.all(added.map((socket) => releaseSocket(socket, true)));
    throw err;
  }
  const removed = held.filter((socket) => !sockets.includes(socket));
  return { sockets, added, removed };
}
