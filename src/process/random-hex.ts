// Random hex for the names of temporary files (pidfiles, UNIX sockets, the accept
// board), read from the kernel's CSPRNG (/dev/urandom): node:crypto would cost
// every master ~7 ms of CPU to load for a few bytes.
import { closeSync, openSync, readSync } from 'node:fs';

/** `bytes` bytes from the system's CSPRNG, as hex. */
export function randomHex(bytes: number): string {
  const buffer = Buffer.alloc(bytes);
  const fd = openSync('/dev/urandom', 'r');
  try {
    let got = 0;
    while (got < bytes) got += readSync(fd, buffer, got, bytes - got, null);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('hex');
}
