// The master's listening sockets: bound once, held across reloads, inherited by
// every worker from fd 3 on (systemd's LISTEN_FDS convention), never accepted on.
import { chmodSync, lstatSync, rmSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { connect, isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { UwError } from '../errors.js';
import type { SocketSpec } from '../config/vassal-config.js';
import { runHelperSync } from '../process/spawn.js';
import { bindTcp, bindUnix, BindError, type RawSocket } from './raw-socket.js';

/** One socket the master holds. */
export interface HeldSocket {
  readonly spec: SocketSpec;
  readonly raw: RawSocket;
  /** where it listens, for logs: "127.0.0.1:8080" or "/run/app.sock" */
  readonly where: string;
}

export interface BindOptions {
  readonly file: string;
  readonly chmod?: number | undefined;
}

const LISTEN_HELPER = fileURLToPath(new URL('../master/listen-helper.js', import.meta.url));

/** The names of LISTEN_FDNAMES: what kind of socket each fd is. */
export function fdNames(sockets: readonly HeldSocket[]): string {
  return sockets.map((socket) => (socket.spec.protocol === 'http' ? 'http-socket' : 'socket')).join(':');
}

/** Bind one socket; errors name the config file and the address. */
export async function bindSocket(spec: SocketSpec, options: BindOptions): Promise<HeldSocket> {
  const key = spec.protocol === 'http' ? 'http-socket' : 'socket';
  try {
    if (spec.address.type === 'unix') {
      const path = spec.address.path;
      await removeStaleUnixSocket(path);
      const raw = bindUnix(path);
      if (options.chmod !== undefined) chmodSync(path, options.chmod);
      return { spec, raw, where: path };
    }
    const { host, port } = spec.address;
    const ip = isIP(host) !== 0 ? host : (await lookup(host)).address;
    const raw = bindTcp(ip, port, isIP(ip) === 6 ? 6 : 4);
    return { spec, raw, where: `${isIP(ip) === 6 ? `[${ip}]` : ip}:${raw.port ?? port}` };
  } catch (err) {
    if (err instanceof UwError) throw err;
    const errno = err instanceof BindError ? err.errno : ((err as NodeJS.ErrnoException).code ?? String(err));
    const what = errno === 'EADDRINUSE' ? 'UW_SOCKET_IN_USE' : 'UW_SOCKET_BIND';
    const why = errno === 'EADDRINUSE' ? 'address already in use' : `cannot bind (${errno})`;
    throw new UwError(what, `option "${key}": ${why}: ${spec.spec}`, { file: options.file, key });
  }
}

/** A leftover socket file nobody listens on is removed; a live one is "in use". */
async function removeStaleUnixSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return; // does not exist: nothing to do
  }
  if (!isSocket) throw new BindError('EEXIST (not a socket)');
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(path, () => {
      probe.destroy();
      resolve(true);
    });
    probe.on('error', () => resolve(false));
  });
  if (live) throw new BindError('EADDRINUSE');
  rmSync(path, { force: true });
}

/** Put bound sockets into the kernel's listening state without accepting. */
export function listenInKernel(sockets: readonly HeldSocket[], backlog: number, file: string): void {
  if (sockets.length === 0) return;
  const kinds = sockets.map((socket) => socket.spec.address.type);
  const result = runHelperSync(process.execPath, [LISTEN_HELPER, String(backlog), ...kinds], ['ignore', 'ignore', 'pipe', ...sockets.map((socket) => socket.raw.fd)], 10_000);
  if (result.status !== 0) {
    const detail = (result.stderr || result.error?.message || `exit ${result.status}`).trim();
    throw new UwError('UW_SOCKET_BIND', `cannot listen on ${sockets.map((s) => s.where).join(', ')}: ${detail}`, { file });
  }
}

/** Close a socket and, with vacuum, remove its file. */
export async function releaseSocket(socket: HeldSocket, vacuum: boolean): Promise<void> {
  await socket.raw.close();
  if (vacuum && socket.spec.address.type === 'unix') rmSync(socket.spec.address.path, { force: true });
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
    await Promise.all(added.map((socket) => releaseSocket(socket, false)));
    throw err;
  }
  const removed = held.filter((socket) => !sockets.includes(socket));
  return { sockets, added, removed };
}
