// A raw uwsgi-protocol client for tests: builds a request packet by hand (as
// nginx's uwsgi_pass does), sends it with a body, and reads the whole answer
// up to the close, which is how nginx reads a uwsgi response.
import { connect, type Socket } from 'node:net';

export type UwsgiTarget = { readonly port: number; readonly host?: string } | { readonly path: string };

/** The packet for `vars`: header (modifier1 0, datasize LE, modifier2 0), then each key and value with their LE lengths. */
export function uwsgiPacket(vars: Readonly<Record<string, string>>, modifier1 = 0): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of Object.entries(vars)) {
    for (const text of [key, value]) {
      const bytes = Buffer.from(text, 'latin1');
      const size = Buffer.alloc(2);
      size.writeUInt16LE(bytes.length);
      parts.push(size, bytes);
    }
  }
  const data = Buffer.concat(parts);
  const header = Buffer.from([modifier1, data.length & 0xff, data.length >> 8, 0]);
  return Buffer.concat([header, data]);
}

/** An answer read up to the close: the HTTP status line and headers, the body, and whether the worker just closed. */
export interface UwsgiAnswer {
  readonly raw: Buffer;
  readonly status: number;
  readonly head: string;
  readonly body: string;
}

/** Open a connection to `target`. */
export function open(target: UwsgiTarget): Socket {
  return 'path' in target ? connect(target.path) : connect(target.port, target.host ?? '127.0.0.1');
}

/** Send `bytes` (then the body, if any; then a FIN if `end`) and read everything until the worker closes. */
export function exchange(target: UwsgiTarget, bytes: Buffer, body?: Buffer, timeoutMs = 10_000, end = false): Promise<UwsgiAnswer> {
  return new Promise((resolve, reject) => {
    const socket = open(target);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error(`no close within ${timeoutMs} ms`)), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answerOf(Buffer.concat(chunks)));
    });
    socket.write(bytes);
    if (body !== undefined) socket.write(body);
    if (end) socket.end();
  });
}

/** A request with the CGI vars nginx's uwsgi_params would send. */
export function request(target: UwsgiTarget, method: string, uri: string, body?: Buffer, extra: Record<string, string> = {}): Promise<UwsgiAnswer> {
  const [path = '/', query = ''] = uri.split('?');
  const vars: Record<string, string> = {
    QUERY_STRING: query,
    REQUEST_METHOD: method,
    CONTENT_TYPE: body === undefined ? '' : 'application/octet-stream',
    CONTENT_LENGTH: body === undefined ? '' : String(body.length),
    REQUEST_URI: uri,
    PATH_INFO: path,
    SERVER_PROTOCOL: 'HTTP/1.1',
    REMOTE_ADDR: '203.0.113.7',
    REMOTE_PORT: '54321',
    SERVER_NAME: 'example.test',
    SERVER_PORT: '80',
    HTTP_HOST: 'example.test',
    ...extra,
  };
  return exchange(target, uwsgiPacket(vars), body);
}

function answerOf(raw: Buffer): UwsgiAnswer {
  const text = raw.toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  const head = split === -1 ? text : text.slice(0, split);
  const status = Number(/^HTTP\/1\.\d (\d{3})/.exec(head)?.[1] ?? 0);
  return { raw, status, head, body: split === -1 ? '' : raw.subarray(split + 4).toString('utf8') };
}
