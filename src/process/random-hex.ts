// Random hex for the names of temporary files (pidfiles, UNIX sockets). node:crypto
// is loaded on first use: importing it costs every master ~5 ms of CPU at start,
// and most masters never write a pidfile or bind a UNIX socket.
import { createRequire } from 'node:module';

type Crypto = typeof import('node:crypto');
let crypto: Crypto | undefined;

/** `bytes` bytes from the system's CSPRNG, as hex. */
export function randomHex(bytes: number): string {
  crypto ??= createRequire(import.meta.url)('node:crypto') as Crypto;
  return crypto.randomBytes(bytes).toString('hex');
}
