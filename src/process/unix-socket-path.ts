// The name a UNIX socket was bound to, for a descriptor received from elsewhere:
// Node's Pipe has no getsockname, and the kernel lists bound names by socket
// inode in /proc/net/unix (Linux only; elsewhere the name stays unknown).
import { fstatSync, readFileSync } from 'node:fs';

/** The path a UNIX socket is bound to, from /proc/net/unix by the socket's inode. */
export function unixPathOf(fd: number): string | undefined {
  try {
    const inode = String(fstatSync(fd).ino);
    for (const line of readFileSync('/proc/net/unix', 'latin1').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[6] === inode && fields.length > 7) return fields.slice(7).join(' ');
    }
  } catch {
    // not Linux, or /proc not mounted: the path stays unknown
  }
  return undefined;
}
