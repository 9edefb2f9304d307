// Listening addresses: `host:port`, `:port` (loopback: nothing is exposed
// unless asked; `0.0.0.0:port` is explicit), `[::1]:port`, or a UNIX socket
// path (anything with a `/`). Port 0 asks the kernel for a free port.
import { isIPv6 } from 'node:net';
import path from 'node:path';
import type { ListenAddress } from './vassal-config.js';

export const ADDRESS_EXPECTED = 'host:port, :port or a socket path';

/** sun_path is 108 bytes on Linux, including the NUL; a longer path fails to bind obscurely */
const MAX_SOCKET_PATH = 107;

export type AddressResult = { readonly ok: true; readonly address: ListenAddress } | { readonly ok: false; readonly expected: string };

/** Parse `text`; a socket path is resolved against `cwd`. */
export function parseAddress(text: string, cwd: string): AddressResult {
  if (text.includes('/')) {
    const socketPath = path.resolve(cwd, text);
    if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
      return { ok: false, expected: `a socket path of at most ${MAX_SOCKET_PATH} bytes once resolved` };
    }
    return { ok: true, address: { type: 'unix', path: socketPath } };
  }
  const bracketed = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text);
  const plain = /^([A-Za-z0-9.-]*):(\d{1,5})$/.exec(text);
  const [, host, port] = bracketed ?? plain ?? [];
  // the two slips a newcomer makes most: a bare port, and a port past 65535
  if (/^\d{1,5}$/.test(text) && Number(text) <= 65535) return { ok: false, expected: `${ADDRESS_EXPECTED} (":${text}" is port ${text} on 127.0.0.1)` };
  if (host === undefined || port === undefined) return { ok: false, expected: ADDRESS_EXPECTED };
  if (Number(port) > 65535) return { ok: false, expected: `${ADDRESS_EXPECTED}, with a port from 0 to 65535` };
  if (bracketed && !isIPv6(host)) return { ok: false, expected: ADDRESS_EXPECTED };
  return { ok: true, address: { type: 'tcp', host: host === '' ? '127.0.0.1' : host, port: Number(port) } };
}

/** Same key → same socket; port 0 never clashes (each bind gets its own port). */
export function addressKey(address: ListenAddress): string | undefined {
  if (address.type === 'unix') return `unix:${address.path}`;
  return address.port === 0 ? undefined : `tcp:${address.host}:${address.port}`;
}

/** The TCP port in "host:port", or null for a UNIX path. */
export function portOfWhere(where: string): number | null {
  if (where.startsWith('/') || where.startsWith('@')) return null;
  const port = Number(where.slice(where.lastIndexOf(':') + 1));
  return Number.isInteger(port) && port > 0 ? port : null;
}
