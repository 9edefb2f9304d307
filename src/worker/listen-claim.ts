// Which of the master's sockets an app's listen() call gets, for script
// workers. The rule, documented in the README ("Running an existing Node app"):
// - one socket: the app's first listen() gets it, whatever port or path it asked for;
// - several: a listen() naming a socket's port (TCP) or path (UNIX) gets that
//   socket; any other gets the first socket not yet taken, in config order,
//   of its own kind (a port a TCP socket, a path a UNIX one) while there is one;
// - a further listen() on the port or path of a socket the app already got
//   (the socket's own or the one the app asked for then: Fastify's second server
//   for 'localhost' on ::1, say) fails with EADDRINUSE, as it would in plain Node
//   beside a process holding that port: the app is served on the master's socket;
// - once every socket is taken, any other listen() binds as in plain Node (a metrics port).
// A listen() on a descriptor or handle of the app's own is never redirected.
import { portOfWhere } from '../config/addresses.js';

/** One socket the master holds, as a script worker sees it. */
export interface HeldAddress {
  /** its position in the config, and LISTEN_FDS order */
  readonly index: number;
  readonly fd: number;
  /** "127.0.0.1:8080" or "/run/app.sock" */
  readonly where: string;
}

/** What a listen() call asked for: a port, a UNIX path, or something of its own. */
export type ListenRequest =
  | { readonly kind: 'port'; readonly port: number; readonly host: string | null }
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'own' };

/** The callback, the request, and the AbortSignal of listen(...args), read as Node reads them. */
export interface ParsedListen {
  readonly request: ListenRequest;
  readonly callback: ((...args: unknown[]) => void) | undefined;
  readonly signal: AbortSignal | undefined;
}

/** Read listen()'s overloads: (port, host?, backlog?, cb?), (path, backlog?, cb?), (options, cb?), (handle, backlog?, cb?). */
export function parseListenArgs(args: readonly unknown[]): ParsedListen {
  const last = args.at(-1);
  const callback = typeof last === 'function' ? (last as (...a: unknown[]) => void) : undefined;
  const first = args[0];
  if (first !== null && typeof first === 'object') {
    const options = first as Record<string, unknown>;
    const signal = options.signal instanceof AbortSignal ? options.signal : undefined;
    // a handle, a descriptor, or a server of its own: the app knows what it holds
    if (options.fd != null || options.handle != null || '_handle' in options) return { request: { kind: 'own' }, callback, signal };
    if (typeof options.path === 'string' && options.path !== '') return { request: { kind: 'path', path: options.path }, callback, signal };
    return { request: { kind: 'port', port: portOf(options.port), host: typeof options.host === 'string' ? options.host : null }, callback, signal };
  }
  if (typeof first === 'string' && !/^\s*\d*\s*$/.test(first)) return { request: { kind: 'path', path: first }, callback, signal: undefined };
  const host = typeof args[1] === 'string' ? args[1] : null;
  return { request: { kind: 'port', port: portOf(first), host }, callback, signal: undefined };
}

function portOf(value: unknown): number {
  const port = Number(value ?? 0);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : 0;
}

/** A socket given to the app, and what the app asked for when it got it. */
export interface Claim {
  readonly socket: HeldAddress;
  readonly request: ListenRequest;
}

/** What a listen() gets: one of the master's sockets, a refusal (it repeats a claim), or its own bind. */
export type ClaimOutcome =
  | { readonly kind: 'socket'; readonly socket: HeldAddress }
  | { readonly kind: 'repeat'; readonly socket: HeldAddress }
  | { readonly kind: 'bind' };

/** Apply the rule above to `request`, given the sockets the app already got (`claims`). */
export function claimSocket(held: readonly HeldAddress[], claims: readonly Claim[], request: ListenRequest): ClaimOutcome {
  if (request.kind === 'own') return { kind: 'bind' };
  const key = keyOf(request);
  const free = held.filter((socket) => !claims.some((claim) => claim.socket.index === socket.index));
  const named = held.length > 1 && key !== null ? free.find((socket) => keyOf(requestOfWhere(socket.where)) === key) : undefined;
  if (named !== undefined) return { kind: 'socket', socket: named };
  const repeated = key === null ? undefined : claims.find((claim) => keyOf(claim.request) === key || keyOf(requestOfWhere(claim.socket.where)) === key);
  if (repeated !== undefined) return { kind: 'repeat', socket: repeated.socket };
  const next = free.find((socket) => (portOfWhere(socket.where) === null) === (request.kind === 'path')) ?? free[0];
  return next === undefined ? { kind: 'bind' } : { kind: 'socket', socket: next };
}

/** "port 3000" or "path /x.sock": what two listen() calls compete for; null for port 0 or a handle. */
function keyOf(request: ListenRequest): string | null {
  if (request.kind === 'path') return `path ${request.path}`;
  return request.kind === 'port' && request.port !== 0 ? `port ${request.port}` : null;
}

function requestOfWhere(where: string): ListenRequest {
  const port = portOfWhere(where);
  return port === null ? { kind: 'path', path: where } : { kind: 'port', port, host: null };
}

/** How a request reads in logs: ":3000", "0.0.0.0:3000", "/tmp/app.sock", "a handle of its own". */
export function describeRequest(request: ListenRequest): string {
  if (request.kind === 'path') return request.path;
  if (request.kind === 'own') return 'a descriptor or handle of its own';
  return `${request.host ?? ''}:${request.port}`;
}
