// A master's zerg server (`zerg-server = PATH`): every client that connects gets
// the master's listening sockets in one message (uWSGI's wire format, see
// process/fd-passing.ts) and the connection is closed. Real uWSGI zergs attach to
// it as well as ours. The socket outlives reloads; the sockets sent are the ones
// held at the moment a client connects.
import { createServer, type Socket } from 'node:net';
import { UwError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { sendDescriptors, sendProblem } from '../process/fd-passing.js';
import { NotOursError, SocketInUseError } from '../process/stale-socket.js';
import { listenUnix } from '../stats/stats-server.js';

/** Attaching zergs served at once (each costs a short helper process); more wait their turn. */
const MAX_RUNNING = 16;
/** Connections waiting for a helper; beyond this they are closed (a zerg retries, a flood gets nothing). */
const MAX_WAITING = 64;
const OPTION = 'zerg-server';

/** A listening zerg server, closed when its master stops. */
export interface ZergServer {
  readonly where: string;
  close(): Promise<void>;
}

/** Where the zerg server listens and how its socket file is made. */
export interface ZergServerOptions {
  readonly path: string;
  /** the socket file's mode (chmod-socket), 0600 by default */
  readonly mode?: number | undefined;
  /** the config file, for errors */
  readonly file: string;
}

/** Listen at `options.path`; throws UwError naming the option (in use, not ours, no python3). */
export async function startZergServer(options: ZergServerOptions, fds: () => readonly number[], log: Logger): Promise<ZergServer> {
  const context = { file: options.file, key: OPTION };
  const problem = sendProblem();
  if (problem !== null) throw new UwError('UW_ZERG_UNAVAILABLE', `option "${OPTION}": cannot pass descriptors: ${problem}`, context);
  const queue = helperQueue((socket) => serve(socket, fds(), log));
  const server = createServer(queue);
  try {
    const listening = await listenUnix(server, options.path, options.mode ?? 0o600);
    server.on('error', (err) => log.error({ err, where: options.path }, 'zerg server error'));
    return listening;
  } catch (err) {
    server.close();
    if (err instanceof NotOursError) throw new UwError('UW_PATH_NOT_OURS', `option "${OPTION}": ${err.message}`, context);
    const code = err instanceof SocketInUseError ? 'EADDRINUSE' : ((err as NodeJS.ErrnoException).code ?? String(err));
    if (code === 'EADDRINUSE') throw new UwError('UW_SOCKET_IN_USE', `option "${OPTION}": ${options.path} is in use: another zerg server answers on it`, context);
    throw new UwError('UW_SOCKET_BIND', `option "${OPTION}": cannot listen on ${options.path} (${code})`, context);
  }
}

/**
 * At most MAX_RUNNING helpers at once, whatever the number of connections: a
 * client that connects in a loop must not fork a helper per connection (the
 * kernel's backlog does not help here, since each connection is accepted and
 * handed to a helper at once).
 */
function helperQueue(serveOne: (socket: Socket) => Promise<void>): (socket: Socket) => void {
  let running = 0;
  const waiting: Socket[] = [];
  const next = (): void => {
    while (running < MAX_RUNNING && waiting.length > 0) {
      const socket = waiting.shift();
      if (socket === undefined || socket.destroyed) continue;
      running += 1;
      void serveOne(socket).finally(() => {
        running -= 1;
        next();
      });
    }
  };
  return (socket) => {
    socket.on('error', () => socket.destroy());
    if (waiting.length >= MAX_WAITING) {
      socket.destroy();
      return;
    }
    waiting.push(socket);
    next();
  };
}

/** Hand the sockets to one client; the helper holds its own copy of the connection, so ours closes at once. Never rejects. */
function serve(socket: Socket, fds: readonly number[], log: Logger): Promise<void> {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (fd === undefined || fd < 0) {
    socket.destroy();
    return Promise.resolve();
  }
  const sent = sendDescriptors(fd, fds);
  socket.destroy();
  return sent.then(
    () => log.info({ sockets: fds.length }, 'zerg attached'),
    (err: unknown) => log.warn({ err }, 'zerg not served'),
  );
}
