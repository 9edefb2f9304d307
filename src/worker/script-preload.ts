// Preloaded (node --import) into a script worker: an unmodified Node server
// script runs after it, and its listen() calls land on the master's inherited
// sockets (LISTEN_FDS, from fd 3) instead of binding; see listen-claim.ts for
// the rule. The app's HTTP servers are counted and drained like a module
// worker's, so a reload loses no request and statistics see them.
import cluster from 'node:cluster';
import { Server as HttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
import { describeAppError } from './app-error.js';
import { closeAfterOurDrain, runAppStop } from './app-stop.js';
import { Drainer } from './drain.js';
import { claimSocket, describeRequest, parseListenArgs, type Claim, type HeldAddress, type ListenRequest } from './listen-claim.js';
import { RequestCounter } from './request-counter.js';
import { speakUwsgi } from './uwsgi-http-server.js';
import { DEFAULT_BUFFER_SIZE, DEFAULT_PACKET_TIMEOUT_MS, malformedReporter } from './uwsgi-server.js';
import { controlWorker, sendToMaster } from './worker-control.js';

const FIRST_LISTEN_FD = 3;
/** With no socket to listen on, a script is ready once it stayed up this long (as exec-ready-after). */
const DEFAULT_READY_AFTER_MS = 1000;

const env = process.env;
const prefix = `uw worker ${env.UW_WORKER_ID ?? '?'} (${env.UW_VASSAL ?? '?'})`;
const held: HeldAddress[] = (JSON.parse(env.UW_SOCKET_WHERE ?? '[]') as string[]).map((where, index) => ({ index, fd: FIRST_LISTEN_FD + index, where }));
const backlog = Number(env.UW_LISTEN_BACKLOG ?? 511);
const readyAfter = env.UW_SCRIPT_READY_AFTER_MS === undefined || env.UW_SCRIPT_READY_AFTER_MS === '' ? null : Number(env.UW_SCRIPT_READY_AFTER_MS);
/** each socket's option: an HTTP server of the app on a `socket` reads uwsgi packets */
const socketNames = (env.LISTEN_FDNAMES ?? '').split(':');
const uwsgi = { bufferSize: Number(env.UW_BUFFER_SIZE ?? DEFAULT_BUFFER_SIZE), packetTimeoutMs: Number(env.UW_PACKET_TIMEOUT_MS ?? DEFAULT_PACKET_TIMEOUT_MS) };
// the app sees its own environment, not ours
for (const name of ['UW_SOCKET_WHERE', 'UW_LISTEN_BACKLOG', 'UW_SCRIPT_READY_AFTER_MS', 'UW_BUFFER_SIZE', 'UW_PACKET_TIMEOUT_MS', 'LISTEN_FDS', 'LISTEN_FDNAMES']) delete env[name];

const claims: Claim[] = [];
const listening = new Set<number>();
const servers: NetServer[] = [];
const counter = new RequestCounter();
const drainer = new Drainer(() => counter.responses());
let ready = false;
let drainBegun = false;

// the master is gone (even SIGKILLed): a worker never outlives it
process.on('disconnect', () => process.exit(0));
if (!process.connected) process.exit(0);

// the app's fatal error (a throw before it listens, a syntax error) as the master logs a module's: type, place,
// stack. Node still prints it and exits; the message is in the channel's pipe before that (libuv writes at once)
process.on('uncaughtExceptionMonitor', (err) => {
  if (process.listenerCount('uncaughtException') > 0) return; // the app handles it: not fatal
  sendToMaster({ type: 'app-error', ...describeAppError(err, process.argv[1] ?? '') });
});

const servedServers = (): NetServer[] => {
  drainBegun = true;
  return servers;
};
/** A bad uwsgi packet on one of the app's servers: counted and reported as a module worker's are. */
const malformed = malformedReporter(prefix, () => counter.protocolError());
const ourStop = controlWorker({ servers: servedServers, drainer, counter, afterDrain: (cause) => runAppStop(cause, ourStop, () => process.exit(0)) });
// the channel alone must not keep the app alive: a script that ends, ends (and is respawned)
process.channel?.unref();

function becomeReady(): void {
  if (ready) return;
  ready = true;
  const unclaimed = held.filter((socket) => !listening.has(socket.index));
  if (unclaimed.length > 0) sendToMaster({ type: 'app-unclaimed', sockets: unclaimed.map((socket) => socket.index) });
  sendToMaster({ type: 'ready' });
}

if (held.length === 0 || readyAfter !== null) setTimeout(becomeReady, readyAfter ?? DEFAULT_READY_AFTER_MS).unref();

/** An HTTP server of the app, once it serves one of our sockets: counted, and drained without a lost request. */
function adopt(server: NetServer): void {
  servers.push(server);
  closeAfterOurDrain(server, () => drainBegun);
  // http.Server, and https.Server (a tls.Server with the same request API), without loading node:https
  if (!(server instanceof HttpServer) && typeof (server as Partial<HttpServer>).closeIdleConnections !== 'function') return;
  const http = server as HttpServer;
  drainer.watch(http);
  http.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    drainer.track(res);
    counter.track(req, res);
  });
}

// eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the app's server as `this`
const listen = NetServer.prototype.listen;
NetServer.prototype.listen = function (this: NetServer, ...args: unknown[]): NetServer {
  const { request, callback, signal } = parseListenArgs(args);
  const outcome = claimSocket(held, claims, request);
  const asked = describeRequest(request);
  const socket = outcome.kind === 'socket' ? outcome.socket : null;
  sendToMaster({ type: 'app-listen', asked, socket: socket?.index ?? null, ...(outcome.kind === 'repeat' && { repeats: outcome.socket.index }) });
  if (outcome.kind === 'repeat') return refuse(this, request, asked);
  if (socket === null) return (listen as (...a: unknown[]) => NetServer).apply(this, args);
  claims.push({ socket, request });
  adopt(this);
  if (socketNames[socket.index] === 'socket' && this instanceof HttpServer) speakUwsgi(this as HttpServer<typeof IncomingMessage, typeof ServerResponse>, { ...uwsgi, onMalformed: malformed });
  this.once('listening', () => {
    listening.add(socket.index);
    if (held.every((each) => listening.has(each.index))) becomeReady();
  });
  const options = { fd: socket.fd, backlog, ...(signal !== undefined && { signal }) };
  return callback === undefined ? listen.call(this, options) : listen.call(this, options, callback);
} as typeof NetServer.prototype.listen;

/** A listen() repeating a claim's port or path fails as in plain Node beside a process holding it. */
function refuse(server: NetServer, request: ListenRequest, asked: string): NetServer {
  const err = Object.assign(new Error(`listen EADDRINUSE: address already in use ${asked}`), {
    code: 'EADDRINUSE',
    errno: -98,
    syscall: 'listen',
    ...(request.kind === 'port' ? { address: request.host ?? '::', port: request.port } : request.kind === 'path' && { address: request.path }),
  });
  process.nextTick(() => server.emit('error', err));
  return server;
}

// the master runs the workers: an app's own cluster would fork processes that hold no socket
cluster.fork = (): never => {
  throw new Error(`${prefix}: this app forks its own cluster (cluster.fork); under uw the master runs the workers: remove the cluster code and set processes = N`);
};
