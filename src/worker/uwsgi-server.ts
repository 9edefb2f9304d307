// A module worker's server for a uwsgi-protocol socket (`socket`,
// `uwsgi-socket`): each connection's packet becomes a request for the app's
// handler. A malformed packet is counted (the worker's `exceptions` in the
// statistics) and reported on stderr, at most one line a second so that a
// flood of garbage cannot flood the log.
import { createServer, type Server } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveUwsgiConnection } from './uwsgi-connection.js';

/** uWSGI's buffer-size default: the largest packet, in bytes. */
export const DEFAULT_BUFFER_SIZE = 4096;
/** uWSGI's socket-timeout default: how long a packet may take to arrive. */
export const DEFAULT_PACKET_TIMEOUT_MS = 4000;

const REPORT_EVERY_MS = 1000;

/** What a uwsgi server needs: the packet limits, the app's requests, and where bad packets are counted. */
export interface UwsgiServerOptions {
  readonly bufferSize: number;
  readonly packetTimeoutMs: number;
  readonly onRequest: (req: IncomingMessage, res: ServerResponse) => void;
  /** one malformed packet, already closed: count it */
  readonly onMalformed: () => void;
  /** "uw worker 1 (app.ini)": the stderr lines' prefix */
  readonly prefix: string;
}

/** A net.Server speaking the uwsgi protocol; listen() it on the inherited descriptor. */
export function createUwsgiServer(options: UwsgiServerOptions): Server {
  const connection = { bufferSize: options.bufferSize, packetTimeoutMs: options.packetTimeoutMs, onRequest: options.onRequest, onMalformed: malformedReporter(options.prefix, options.onMalformed) };
  // half-open, as node:http's servers: a client that shuts its side after the request still gets the answer
  return createServer({ allowHalfOpen: true }, (socket) => serveUwsgiConnection(socket, connection));
}

/** Count every malformed packet; write a line for it unless one was written less than a second ago. */
export function malformedReporter(prefix: string, count: () => void): (reason: string) => void {
  let lastReport = -Infinity;
  let unreported = 0;
  return (reason) => {
    count();
    const now = Date.now();
    if (now - lastReport < REPORT_EVERY_MS) {
      unreported += 1;
      return;
    }
    const more = unreported === 0 ? '' : ` (and ${unreported} more since the last line)`;
    process.stderr.write(`${prefix}: bad uwsgi packet, connection closed: ${reason}${more}\n`);
    lastReport = now;
    unreported = 0;
  };
}
