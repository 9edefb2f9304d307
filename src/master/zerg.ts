// Where a master's listening sockets come from: bound from its own config, or,
// for a zerg (`zerg = PATH`), taken from a zerg server (ours or uWSGI's), at start
// and on every reload. Each received socket is served with the protocol of the
// zerg's own `http-socket`/`socket` line for the same port (TCP) or path (UNIX);
// one no line names is served as HTTP (uWSGI's zergs take `--protocol` for all).
import { basename, dirname } from 'node:path';
import { UwError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { isNodeApp, type SocketSpec, type VassalConfig } from '../config/vassal-config.js';
import { receiveDescriptors, receiveProblem, type ReceivedSocket } from '../process/fd-passing.js';
import { bindSocket, reconcileSockets, type BindOptions, type HeldSocket } from './sockets.js';
import { takeKept, type KeptCopies } from './kept-sockets.js';

/** A zerg server that accepts but says nothing is given up after this long. */
const ATTACH_TIMEOUT_MS = 5_000;

/** The new sockets of a reload: what is served next, what was added, what the old generation held alone. */
export interface SocketChange {
  readonly sockets: HeldSocket[];
  readonly added: HeldSocket[];
  readonly removed: HeldSocket[];
}

function bindOptionsOf(config: VassalConfig): BindOptions {
  return { file: config.file, chmod: config.chmodSocket, backlog: config.listenBacklog };
}

/**
 * Bind or attach the sockets of a starting master, pushing each into `into` as
 * it comes (the caller releases them on failure). Throws UwError: a zerg without
 * fallback that cannot attach is UW_ZERG_ATTACH (exit 2, as for a config error).
 */
export async function acquireSockets(config: VassalConfig, into: HeldSocket[], log: Logger, kept: KeptCopies = new Map()): Promise<void> {
  if (config.zerg !== undefined) {
    const attached = await attach(config, config.zerg, log);
    if (attached.ok) {
      into.push(...attached.sockets);
      return;
    }
    if (!config.zergFallback) {
      throw new UwError('UW_ZERG_ATTACH', `option "zerg": cannot attach to the zerg server ${config.zerg}: ${attached.reason}`, { file: config.file, key: 'zerg' });
    }
    log.warn({ zergServer: config.zerg, reason: attached.reason }, 'zerg server not reachable, binding the configured sockets (zerg-fallback)');
  }
  // after a crash the emperor's copies are taken back: same port, same file, the backlog's clients served
  for (const spec of config.sockets) into.push(takeKept(kept, spec, config.listenBacklog, log) ?? (await bindSocket(spec, bindOptionsOf(config))));
}

/**
 * The sockets of a reload. A zerg attaches again (its server may hold new
 * sockets) and serves only what it receives; when the server is gone it keeps
 * the sockets it holds, which still work. Others keep unchanged sockets and
 * bind new ones.
 */
export async function resocket(held: readonly HeldSocket[], config: VassalConfig, log: Logger): Promise<SocketChange> {
  if (config.zerg === undefined) return reconcileSockets(held, config.sockets, bindOptionsOf(config));
  const attached = await attach(config, config.zerg, log);
  if (attached.ok) return { sockets: attached.sockets, added: attached.sockets, removed: [...held] };
  if (held.length === 0) throw new UwError('UW_ZERG_ATTACH', `option "zerg": cannot attach to the zerg server ${config.zerg}: ${attached.reason}`, { file: config.file, key: 'zerg' });
  log.warn({ zergServer: config.zerg, reason: attached.reason }, 'zerg server not reachable, keeping the sockets held');
  return { sockets: [...held], added: [], removed: [] };
}

type Attached = { readonly ok: true; readonly sockets: HeldSocket[] } | { readonly ok: false; readonly reason: string };

async function attach(config: VassalConfig, path: string, log: Logger): Promise<Attached> {
  const problem = receiveProblem();
  if (problem !== null) throw new UwError('UW_ZERG_UNAVAILABLE', `option "zerg": cannot receive descriptors: ${problem}`, { file: config.file, key: 'zerg' });
  let received: ReceivedSocket[];
  try {
    received = await receiveDescriptors(path, ATTACH_TIMEOUT_MS);
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  if (received.length === 0) return { ok: false, reason: 'it holds no sockets' };
  try {
    // exec workers get them blocking from prepareForExec; Node workers must never block in accept (shared flag)
    if (isNodeApp(config.app)) for (const socket of received) socket.setBlocking(false);
  } catch (err) {
    await Promise.all(received.map((socket) => socket.close()));
    return { ok: false, reason: (err as Error).message };
  }
  log.info({ zergServer: path, sockets: received.length }, 'attached to zerg server');
  return { ok: true, sockets: received.map((socket) => held(socket, config.sockets, path)) };
}

/** A received socket as the master holds it: never unlinked (not ours), protocol from the matching line. */
function held(socket: ReceivedSocket, lines: readonly SocketSpec[], server: string): HeldSocket {
  const address = socket.address;
  const match = address === undefined ? undefined : 'port' in address
    ? lines.find((line) => line.address.type === 'tcp' && line.address.port === address.port)
    : unixLine(lines, address.path);
  // a matched UNIX socket is known by its line's path, not by the temporary name it was bound at
  const path = match?.address.type === 'unix' ? match.address.path : address !== undefined && 'path' in address ? address.path : undefined;
  const where = address !== undefined && 'port' in address ? `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}` : (path ?? `fd ${socket.fd}`);
  const listen = address !== undefined && 'port' in address ? { type: 'tcp' as const, ...address } : { type: 'unix' as const, path: path ?? '' };
  const spec: SocketSpec = { protocol: match?.protocol ?? 'http', address: listen, spec: where };
  return { spec, raw: { fd: socket.fd, setBlocking: (blocking) => socket.setBlocking(blocking), close: () => socket.close() }, where, from: server };
}

/** uw's own temporary bind names (raw-socket.ts): the socket is linked into place under its real name. */
const UW_TEMP_NAME = /^\.[0-9a-f]{6}$/;

/**
 * The line for a received UNIX socket: the one with its path, or, for a socket a
 * uw server bound at a temporary name (the name the kernel keeps), the only UNIX
 * line in the same directory.
 */
function unixLine(lines: readonly SocketSpec[], path: string): SocketSpec | undefined {
  const unix = lines.filter((line) => line.address.type === 'unix');
  const exact = unix.find((line) => line.address.type === 'unix' && line.address.path === path);
  if (exact !== undefined || !UW_TEMP_NAME.test(basename(path))) return exact;
  const sameDir = unix.filter((line) => line.address.type === 'unix' && dirname(line.address.path) === dirname(path));
  return sameDir.length === 1 ? sameDir[0] : undefined;
}
