// The client side of a stats server: connect, send nothing, read to EOF, as
// uwsgitop does. Used by `uw --connect-and-read` and `uwemperor ls|stats|top`.
import { connect } from 'node:net';
import type { ListenAddress } from '../config/vassal-config.js';

/** Read one document from a stats server (text, as sent); rejects on error or after `timeoutMs`. */
export function readStats(address: ListenAddress, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = address.type === 'unix' ? connect(address.path) : connect(address.port, address.host);
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}
