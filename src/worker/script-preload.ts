// Preloaded (node --import) into a script worker: an unmodified Node server
// script runs after it, and its listen() calls land on the master's inherited
// sockets (LISTEN_FDS, from fd 3) instead of binding; see listen-claim.ts for
// the rule. The app's HTTP servers are counted and drained like a module
// worker's, so a reload loses no request and statistics see them.
import cluster from 'node:cluster';
import { Server as HttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
import { Drainer } from './drain.js';
import { claimSocket, describeRequest, parseListenArgs, type HeldAddress } from './listen-claim.js';
import { RequestCounter } from './request-counter.js';
import { controlWorker, sendToMaster, type StopListener } from './worker-control.js';

const FIRST_LISTEN_FD = 3;
/** With no socket to listen on, a script is ready once it stayed up this long (as exec-ready-after). */
const DEFAULT_READY_AFTER_MS = 1000;

const env = process.env;
const prefix = `uw worker ${env.UW_WORKER_ID ?? '?'} (${env.UW_VASSAL ?? '?'})`;
const held: HeldAddress[] = (JSON.parse(env.UW_SOCKET_WHERE ?? '[]') as string[]).map((where, index) => ({ index, fd: FIRST_LISTEN_FD + index, where }));
const backlog = Number(env.UW_LISTEN_BACKLOG ?? 511);
const readyAfter = env.UW_SCRIPT_READY_AFTER_MS === undefined || env.UW_SCRIPT_READY_AFTER_MS === '' ? null : Number(env.UW_SCRIPT_READY_AFTER_MS);
// the app sees its own environment, not ours
for (const name of ['UW_SOCKET_WHERE', 'UW_LISTEN_BACKLOG', 'UW_SCRIPT_READY_AFTER_MS', 'LISTEN_FDS', 'LISTEN_FDNAMES']) delete env[name];

const taken = new Set<number>();
const listening = new Set<number>();
const servers: NetServer[] = [];
const counter = new RequestCounter();
const drainer = new Drainer(() => counter.responses());
let ready = false;

// the master is gone (even SIGKILLed): a worker never outlives it
process.on('disconnect', () => process.exit(0));
if (!process.connected) process.exit(0);

const ourStop = controlWorker({ servers: () => servers, drainer, counter, afterDrain: runAppStop });
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

/**
 * After our drain: an app with its own SIGTERM (else SIGINT) handler gets it
 * now, with no connection left to lose, and exits when it is done (the master's
 * mercy is the limit); an app without one exits at once.
 */
function runAppStop(why: 'reload' | 'stop'): void {
  const own = (signal: NodeJS.Signals): StopListener[] => (process.listeners(signal) as StopListener[]).filter((listener) => listener !== ourStop);
  // on a stop the signal itself already reached the app's handlers
  const signal: NodeJS.Signals = own('SIGTERM').length > 0 ? 'SIGTERM' : 'SIGINT';
  const handlers = own(signal);
  if (handlers.length === 0) process.exit(0);
  if (why === 'reload') for (const handler of handlers) handler(signal);
}

/** An HTTP server of the app, once it serves one of our sockets: counted, and drained without a lost request. */
function adopt(server: NetServer): void {
  servers.push(server);
  if (!(server instanceof HttpServer)) return;
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
  const socket = claimSocket(held, taken, request);
  const asked = describeRequest(request);
  sendToMaster({ type: 'app-listen', asked, socket: socket?.index ?? null });
  if (socket === null) return (listen as (...a: unknown[]) => NetServer).apply(this, args);
  taken.add(socket.index);
  adopt(this);
  this.once('listening', () => {
    listening.add(socket.index);
    if (held.every((each) => listening.has(each.index))) becomeReady();
  });
  const options = { fd: socket.fd, backlog, ...(signal !== undefined && { signal }) };
  return callback === undefined ? listen.call(this, options) : listen.call(this, options, callback);
} as typeof NetServer.prototype.listen;

// the master runs the workers: an app's own cluster would fork processes that hold no socket
cluster.fork = (): never => {
  throw new Error(`${prefix}: this app forks its own cluster (cluster.fork); under uw the master runs the workers: remove the cluster code and set processes = N`);
};
