// A statistics server, as uWSGI's: a client that connects and sends nothing
// gets one JSON document and the connection is closed (uwsgitop, uwsgi_exporter
// and `uw --connect-and-read` read it that way). The same address answers HTTP:
// `GET /` the same JSON, `GET /metrics` Prometheus text. Used by masters
// (`stats = ADDR`) and by the emperor (its control socket and `stats = ADDR`).
//
// Which of the two a client wants is told by its first bytes: an HTTP client
// sends its request at once, a uWSGI-style reader sends nothing. A silent
// client gets the JSON after SNIFF_MS. Nothing a client does (never reading,
// garbage, a thousand connections) can hold the process up: every connection
// has a deadline and the number of connections a bound.
import type { createServer as createHttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { linkSync, lstatSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UwError } from '../errors.js';
import type { ListenAddress } from '../config/vassal-config.js';
import { NotOursError, removeStaleSocket, SocketInUseError } from '../process/stale-socket.js';
import { randomHex } from '../process/random-hex.js';

/** How long a silent client waits before it is taken for a uWSGI-style reader. */
export const SNIFF_MS = 100;
/** A connection is closed after this long, whatever it does. */
const CONNECTION_DEADLINE_MS = 5_000;
/** Connections beyond this are closed at once by Node. */
const MAX_CONNECTIONS = 256;
const HTTP_METHOD = /^[A-Z]{3,7} /;

/** What a stats server serves; each call builds (or shares) a fresh answer. */
export interface StatsSource {
  document(): Promise<unknown>;
  metrics(): Promise<string>;
  /** `POST /PATH` runs the action and answers its result as JSON: only the emperor's control socket (0600) has any */
  readonly actions?: Readonly<Record<string, () => Promise<unknown>>>;
}

export interface StatsServerOptions {
  readonly address: ListenAddress;
  /** the option it comes from, for errors: "stats", "--control" */
  readonly option: string;
  /** the config file it comes from, for errors ('' for none) */
  readonly file: string;
  /** mode of a UNIX socket file (default 0600) */
  readonly mode?: number;
  /** a silent client gets the JSON with HTTP headers too (uWSGI's stats-http) */
  readonly httpAlways?: boolean;
}

/** A listening stats server. */
export interface StatsServer {
  /** "127.0.0.1:9191" or the socket path */
  readonly where: string;
  readonly port?: number;
  close(): Promise<void>;
}

/** Listen on `options.address`; throws UwError (UW_SOCKET_IN_USE, UW_PATH_NOT_OURS, UW_SOCKET_BIND) naming the option. */
export async function startStatsServer(options: StatsServerOptions, source: StatsSource, onError: (err: unknown) => void): Promise<StatsServer> {
  // node:http only for a master that serves statistics: loading it costs every master ~5 ms of CPU at start
  const { createServer: createHttpServer } = await import('node:http');
  const http = createHttpServer((req, res) => answerHttp(req, res, source, onError));
  http.headersTimeout = CONNECTION_DEADLINE_MS;
  http.requestTimeout = CONNECTION_DEADLINE_MS;
  const server = createServer((socket) => sniff(socket, http, source, options.httpAlways === true, onError));
  server.maxConnections = MAX_CONNECTIONS;
  trackConnections(server);
  try {
    if (options.address.type === 'unix') return await listenUnix(server, options.address.path, options.mode ?? 0o600);
    const { host, port } = options.address;
    await listen(server, () => server.listen({ host, port, exclusive: true }));
    const bound = server.address();
    const actual = typeof bound === 'object' && bound !== null ? bound.port : port;
    return { where: `${host}:${actual}`, port: actual, close: () => closeServer(server) };
  } catch (err) {
    server.close();
    throw describeListenError(err, options);
  } finally {
    if (server.listening) server.on('error', onError);
  }
}

function describeListenError(err: unknown, options: StatsServerOptions): UwError {
  const where = options.address.type === 'unix' ? options.address.path : `${options.address.host}:${options.address.port}`;
  const context = { file: options.file, key: options.option };
  if (err instanceof NotOursError) return new UwError('UW_PATH_NOT_OURS', `option "${options.option}": ${err.message}`, context);
  const code = err instanceof SocketInUseError ? 'EADDRINUSE' : ((err as NodeJS.ErrnoException).code ?? String(err));
  if (code === 'EADDRINUSE') return new UwError('UW_SOCKET_IN_USE', `option "${options.option}": address already in use: ${where}`, context);
  return new UwError('UW_SOCKET_BIND', `option "${options.option}": cannot listen on ${where} (${code})`, context);
}

/** Run `start` and wait for 'listening' or the first error. */
function listen(server: Server, start: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error): void => reject(err);
    server.once('error', fail);
    server.once('listening', () => {
      server.off('error', fail);
      resolve();
    });
    start();
  });
}

/**
 * A UNIX socket created with `mode` at a random name in the same directory (the
 * umask is set around Node's synchronous bind), then linked into place: never
 * through a symlink, never over a live socket, never chmod'ed by path.
 * Shared with the zerg server, which creates its socket the same way.
 */
export async function listenUnix(server: Server, path: string, mode: number): Promise<StatsServer> {
  await removeStaleSocket(path);
  const temp = join(dirname(path), `.${randomHex(4)}`);
  const umask = process.umask(0o777 & ~mode);
  try {
    await listen(server, () => server.listen(temp));
  } finally {
    process.umask(umask);
  }
  let ours: { dev: number; ino: number };
  try {
    linkSync(temp, path); // EEXIST if anything appeared at the path meanwhile
    ours = lstatSync(path);
  } catch (err) {
    throw (err as NodeJS.ErrnoException).code === 'EEXIST' ? new SocketInUseError(path) : err;
  } finally {
    rmSync(temp, { force: true });
  }
  return {
    where: path,
    close: async () => {
      await closeServer(server);
      removeIfOurs(path, ours);
    },
  };
}

/** Remove the socket file we linked, never what someone put at the path since. */
function removeIfOurs(path: string, ours: { dev: number; ino: number }): void {
  try {
    const now = lstatSync(path);
    if (now.isSocket() && now.dev === ours.dev && now.ino === ours.ino) rmSync(path, { force: true });
  } catch {
    // already gone
  }
}

/** Each server's open connections: a keep-alive scraper polling every second would otherwise hold close() (and the exit) forever. */
const connections = new WeakMap<Server, Set<Socket>>();

function trackConnections(server: Server): void {
  const open = new Set<Socket>();
  connections.set(server, open);
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    for (const socket of connections.get(server) ?? []) socket.destroy();
  });
}

/** Tell an HTTP client from a uWSGI-style reader by its first bytes. */
function sniff(socket: Socket, http: ReturnType<typeof createHttpServer>, source: StatsSource, httpAlways: boolean, onError: (err: unknown) => void): void {
  // an absolute deadline, not an idle one: a client that trickles a header every few
  // seconds (slowloris) must not keep one of the MAX_CONNECTIONS slots
  const deadline = setTimeout(() => socket.destroy(), CONNECTION_DEADLINE_MS);
  socket.once('close', () => clearTimeout(deadline));
  socket.on('error', () => socket.destroy());
  let decided = false;
  // the timer fires in the event loop's timers phase, before the poll phase reads what
  // arrived meanwhile: after a busy stretch longer than SNIFF_MS, an HTTP request already in
  // the socket would lose to it. setImmediate runs after the poll phase, so bytes that are
  // there by then win
  const silent = setTimeout(() => {
    setImmediate(() => {
      if (decided) return;
      decided = true;
      socket.off('data', first);
      void sendDocument(socket, source, httpAlways, onError);
    });
  }, SNIFF_MS);
  const first = (chunk: Buffer): void => {
    if (decided) return;
    decided = true;
    clearTimeout(silent);
    socket.pause();
    if (HTTP_METHOD.test(chunk.subarray(0, 8).toString('latin1'))) {
      socket.unshift(chunk);
      http.emit('connection', socket);
      socket.resume();
    } else {
      // garbage: answered as uWSGI does, with the document
      void sendDocument(socket, source, httpAlways, onError);
    }
  };
  socket.once('data', first);
  socket.once('close', () => clearTimeout(silent));
}

async function sendDocument(socket: Socket, source: StatsSource, withHeaders: boolean, onError: (err: unknown) => void): Promise<void> {
  let body: string;
  try {
    body = JSON.stringify(await source.document());
  } catch (err) {
    onError(err);
    socket.destroy();
    return;
  }
  if (socket.destroyed) return;
  const head = withHeaders ? `HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n` : '';
  // closed once the kernel has the bytes, not when the client closes: a client that never
  // reads or never closes does not keep a connection slot
  socket.end(head + body, () => socket.destroy());
}

function answerHttp(req: IncomingMessage, res: ServerResponse, source: StatsSource, onError: (err: unknown) => void): void {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const action = source.actions !== undefined && Object.hasOwn(source.actions, path) ? source.actions[path] : undefined;
  if (action !== undefined) return runAction(req, res, action, onError);
  const route = path === '/metrics' ? 'metrics' : path === '/' ? 'document' : null;
  if (route === null || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(route === null ? 404 : 405, { 'Content-Type': 'text/plain' }).end(route === null ? 'not found: try / or /metrics\n' : 'method not allowed\n');
    return;
  }
  const answer = route === 'metrics'
    ? source.metrics().then((text) => ({ type: 'text/plain; version=0.0.4; charset=utf-8', body: text }))
    : source.document().then((doc) => ({ type: 'application/json', body: JSON.stringify(doc) }));
  answer.then(
    ({ type, body }) => res.writeHead(200, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) }).end(req.method === 'HEAD' ? undefined : body),
    (err: unknown) => {
      onError(err);
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end('statistics unavailable\n');
    },
  );
}

/** A control action: POST only, its result as JSON; a failure is a 500 with its message. */
function runAction(req: IncomingMessage, res: ServerResponse, action: () => Promise<unknown>, onError: (err: unknown) => void): void {
  if (req.method !== 'POST') {
    res.writeHead(405, { 'Content-Type': 'text/plain', Allow: 'POST' }).end('method not allowed: POST\n');
    return;
  }
  action().then(
    (result) => {
      const body = JSON.stringify(result ?? {});
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
    },
    (err: unknown) => {
      onError(err);
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${err instanceof Error ? err.message : String(err)}\n`);
    },
  );
}
