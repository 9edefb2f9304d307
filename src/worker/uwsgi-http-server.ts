// A script's own http.Server on a uwsgi socket: the app listens as usual (its
// server gets the master's socket, 'listening', address()), but each accepted
// connection is read as a uwsgi packet instead of HTTP, and its request is
// emitted as the server's 'request' event: Express, Koa, Fastify and plain
// node:http apps handle it as any other request.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { serveUwsgiConnection, type UwsgiConnectionOptions } from './uwsgi-connection.js';

/** node:http's own listener, which would parse the connection as HTTP. */
const HTTP_CONNECTION_LISTENER = 'connectionListener';

/** Make `server` read its connections as uwsgi; its other 'connection' listeners (the app's, ours) stay. */
export function speakUwsgi(server: Server, options: Omit<UwsgiConnectionOptions, 'onRequest'>): void {
  for (const listener of server.listeners('connection')) {
    if (listener.name === HTTP_CONNECTION_LISTENER) server.off('connection', listener as (socket: Socket) => void);
  }
  const connection: UwsgiConnectionOptions = { ...options, onRequest: (req, res) => server.emit('request', req, res) };
  server.on('connection', (socket: Socket) => serveUwsgiConnection(socket, connection));
}
