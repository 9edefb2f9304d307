// Who may be replaced or written at a path: only what this process's own user
// owns. A file, FIFO or socket that another user put at one of our paths (a
// pidfile, a master FIFO, a socket, a log file) is theirs: writing into it,
// renaming over it or removing it would let them steer a process that may run
// as root, so it is refused and left alone.

/** Why the owner `uid` of what is at `path` is not us, or null when it is ours. */
export function foreignOwner(path: string, uid: number, self: number | undefined = process.geteuid?.()): string | null {
  if (self === undefined || uid === self) return null;
  return `${path} is owned by uid ${uid}, not by this process's uid ${self}: not using it (remove it if it is stale)`;
}
