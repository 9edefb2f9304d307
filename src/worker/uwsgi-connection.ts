// One connection of a uwsgi-protocol socket: read its packet (bounded in size
// and time), then hand a real node:http IncomingMessage/ServerResponse pair to
// the app, as an http-socket would. The body streams in after the packet
// (CONTENT_LENGTH bytes, with back-pressure); the response goes out as HTTP/1.1
// with no chunked framing (nginx's uwsgi module reads the body up to the
// close), and the connection ends with it: one request per connection, as in
// uWSGI. Anything that is no packet closes the connection, and is reported.
import { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { headersOf, headOf, type UwsgiHead } from './uwsgi-head.js';
import { readPacket, UWSGI_HEADER_SIZE } from './uwsgi-packet.js';

/** The packet limits, and what to do with a request or a malformed packet. */
export interface UwsgiConnectionOptions {
  /** largest datasize accepted (uWSGI's buffer-size) */
  readonly bufferSize: number;
  /** a connection must send its whole packet within this long */
  readonly packetTimeoutMs: number;
  /** a request, for the app's handler */
  readonly onRequest: (req: IncomingMessage, res: ServerResponse) => void;
  /** the connection sent what is no uwsgi packet, or only part of one: it is closed */
  readonly onMalformed: (reason: string) => void;
}

/** Serve `socket`'s one request. */
export function serveUwsgiConnection(socket: Socket, options: UwsgiConnectionOptions): void {
  let chunks: Buffer[] = [];
  let length = 0;
  let needed = UWSGI_HEADER_SIZE;
  // a reset or a write to a gone client: 'close' follows, and the request's streams see it
  socket.on('error', ignore);
  const fail = (reason: string): void => {
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('end', onEnd);
    options.onMalformed(reason);
    socket.destroy();
  };
  const timer = setTimeout(() => {
    // a connection that never sent a byte (a health check, a preconnect) is closed unreported
    if (length === 0) socket.destroy();
    else fail(`no whole packet within ${options.packetTimeoutMs} ms (${length} bytes received)`);
  }, options.packetTimeoutMs);
  const onEnd = (): void => {
    if (length === 0) {
      clearTimeout(timer);
      socket.destroy();
    } else fail(`the connection ended after ${length} bytes, inside a packet`);
  };
  const onData = (chunk: Buffer): void => {
    chunks.push(chunk);
    length += chunk.length;
    if (length < needed) return;
    const bytes = chunks.length === 1 ? chunk : Buffer.concat(chunks, length);
    chunks = [bytes];
    const read = readPacket(bytes, options.bufferSize);
    if (read.kind === 'incomplete') {
      needed = UWSGI_HEADER_SIZE + bytes.readUInt16LE(1);
      return;
    }
    if (read.kind === 'malformed') return fail(read.reason);
    const head = headOf(read.packet.vars);
    if (typeof head === 'string') return fail(head);
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('end', onEnd);
    startRequest(socket, head, bytes.subarray(read.packet.size), options);
  };
  socket.on('data', onData);
  socket.on('end', onEnd);
  // a client gone (reset) before its packet is whole: nothing left to time out
  socket.once('close', () => clearTimeout(timer));
}

function startRequest(socket: Socket, head: UwsgiHead, rest: Buffer, options: UwsgiConnectionOptions): void {
  exposeClient(socket, head);
  const req = new IncomingMessage(socket);
  req.method = head.method;
  req.url = head.url;
  req.httpVersionMajor = head.httpVersionMajor;
  req.httpVersionMinor = head.httpVersionMinor;
  req.httpVersion = `${head.httpVersionMajor}.${head.httpVersionMinor}`;
  req.rawHeaders = [...head.rawHeaders];
  req.headers = headersOf(head.rawHeaders);
  const res = new ServerResponse(req);
  // one request per connection, and a body up to the close: no chunked framing for nginx to pass on
  res.shouldKeepAlive = false;
  res.useChunkedEncodingByDefault = false;
  res.assignSocket(socket);
  res.once('finish', () => {
    socket.end();
    // the web server closes once it has read the response; one that does not is not waited for
    socket.setTimeout(options.packetTimeoutMs, () => socket.destroy());
  });
  let remaining = head.contentLength;
  const body = (chunk: Buffer): void => {
    if (remaining === 0) return; // past the body: discarded
    const part = chunk.length > remaining ? chunk.subarray(0, remaining) : chunk;
    remaining -= part.length;
    if (!req.push(part)) socket.pause(); // req's _read resumes the socket
    if (remaining === 0) endBody(req);
  };
  socket.on('close', () => {
    if (!req.complete) req.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
  });
  // the client's side ended: fine once the body is in (the answer still goes out), an abort before
  socket.on('end', () => {
    if (!req.complete) socket.destroy();
  });
  options.onRequest(req, res);
  if (remaining === 0) endBody(req);
  else if (rest.length > 0) body(rest);
  socket.on('data', body);
}

function endBody(req: IncomingMessage): void {
  req.complete = true;
  req.push(null);
}

/** The client the web server saw, where node:http apps look for it (Express's req.ip, req.protocol). */
function exposeClient(socket: Socket, head: UwsgiHead): void {
  if (head.remoteAddress !== undefined) Object.defineProperty(socket, 'remoteAddress', { value: head.remoteAddress, configurable: true });
  if (head.remotePort !== undefined) Object.defineProperty(socket, 'remotePort', { value: head.remotePort, configurable: true });
  if (head.encrypted) Object.defineProperty(socket, 'encrypted', { value: true, configurable: true });
}

function ignore(): void {}
