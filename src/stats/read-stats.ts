// The client side of a stats server: connect, send nothing, read to EOF, as
// uwsgitop does. Used by `uw --connect-and-read` and `uwemperor ls|stats|top`.
import { connect } from 'node:net';
import type { ListenAddress } from '../config/vassal-config.js';

/**
 * Read one document from a stats server (text, as sent); rejects on error or
 * after `timeoutMs`. With `http`, ask with `GET /` instead of waiting silently:
 * our servers answer that at once, where a silent reader waits for the server
 * to decide it is not an HTTP client (uWSGI's own servers only do the silent way).
 */
export function readStats(address: ListenAddress, timeoutMs = 5_000, options: { http?: boolean; maxBytes?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = address.type === 'unix' ? connect(address.path) : connect(address.port, address.host);
    if (options.http === true) socket.write('GET / HTTP/1.0\r\nAccept: application/json\r\n\r\n');
    const chunks: Buffer[] = [];
    // a whole-read deadline, not an idle one: a server trickling a byte at a time is cut off too
    const deadline = setTimeout(() => socket.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
    socket.once('close', () => clearTimeout(deadline));
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      // a server another user runs (a uWSGI vassal's stats) may send without end
      if (options.maxBytes !== undefined && received > options.maxBytes) socket.destroy(Object.assign(new Error(`more than ${options.maxBytes} bytes`), { code: 'E2BIG' }));
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // a server that took us for a silent reader (our request came late: a loaded machine) sent
      // the document and closed, and our request then failed to write: the document is what counts
      if (options.http === true && chunks.length > 0 && (err.code === 'EPIPE' || err.code === 'ECONNRESET')) finish();
      else reject(err);
    });
    socket.on('end', finish);
    function finish(): void {
      const text = Buffer.concat(chunks).toString('utf8');
      if (options.http !== true) return resolve(text);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
      const body = text.indexOf('\r\n\r\n');
      // not our HTTP: a server that only answers silent readers sent the document as is
      if (status === undefined || body < 0) return resolve(text);
      if (status !== '200') return reject(Object.assign(new Error(`HTTP ${status} from the stats server`), { code: `HTTP_${status}` }));
      resolve(text.slice(body + 4));
    }
  });
}
