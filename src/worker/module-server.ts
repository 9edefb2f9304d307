// The server a module worker runs on one inherited socket, by the socket's
// option (LISTEN_FDNAMES): http-socket serves HTTP and socket the uwsgi
// protocol, both to the module's request handler; raw-socket hands raw
// connections to its `connection` export. A module that cannot serve a socket
// it was given is a config error naming the option, never a silent socket.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { UwError } from '../errors.js';
import type { LoadedApp } from './load-app.js';
import { createUwsgiServer } from './uwsgi-server.js';

/** What the servers of a module worker share: the app, names for messages, uwsgi limits, the request path. */
export interface ModuleServerContext {
  readonly app: LoadedApp;
  /** the module's path and the vassal's name, for messages */
  readonly modulePath: string;
  readonly vassal: string;
  /** every socket's option name: a `connection` export with no raw-socket means socket was meant raw */
  readonly names: readonly string[];
  readonly uwsgi: { readonly bufferSize: number; readonly packetTimeoutMs: number };
  /** a request for the handler: counted, drained, served */
  readonly request: (req: IncomingMessage, res: ServerResponse) => void;
  /** a bad uwsgi packet was closed */
  readonly malformed: () => void;
  readonly prefix: string;
}

/** The server for a socket declared by option `name`; throws a config error when the module cannot serve it. */
export function moduleServer(name: string, ctx: ModuleServerContext): Server | NetServer {
  const { app } = ctx;
  if (name === 'raw-socket') {
    if (app.connection === undefined) {
      throw conflict(ctx, `option "raw-socket" of ${ctx.vassal} is a plain socket, and the module has no "connection" export to take its connections: ` +
        'export connection(socket), or use http-socket = ADDRESS for HTTP (as nginx proxy_pass speaks) or socket = ADDRESS for the uwsgi protocol (nginx uwsgi_pass)');
    }
    return createNetServer(app.connection);
  }
  const option = name === 'http-socket' ? 'http-socket' : 'socket';
  if (option === 'socket' && app.connection !== undefined && !ctx.names.includes('raw-socket')) {
    throw conflict(ctx, `option "socket" of ${ctx.vassal} speaks the uwsgi protocol (nginx uwsgi_pass), as in uWSGI, and the module exports "connection" for raw connections: ` +
      'use raw-socket = ADDRESS for those (socket used to be raw)');
  }
  const handler = app.handler;
  if (handler === undefined) {
    throw conflict(ctx, `option "${option}" of ${ctx.vassal} serves requests, and the module has no request handler (only a "connection" export, for raw-socket)`);
  }
  if (option === 'http-socket') return createServer(ctx.request);
  return createUwsgiServer({ ...ctx.uwsgi, onRequest: ctx.request, onMalformed: ctx.malformed, prefix: ctx.prefix });
}

function conflict(ctx: ModuleServerContext, text: string): UwError {
  return new UwError('UW_CONFIG_CONFLICT', `${ctx.modulePath}: ${text}`);
}
