// Which TCP sockets a process holds, from /proc: to prove that a master never
// accepts a connection on the sockets it hands to its workers.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface TcpEntry {
  readonly localPort: number;
  /** kernel state in hex: "0A" LISTEN, "01" ESTABLISHED, ... */
  readonly state: string;
}

/** TCP sockets (IPv4) open in process `pid`. */
export function tcpSocketsOf(pid: number): TcpEntry[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // closed while we looked
    }
  }
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[9] !== undefined && inodes.has(fields[9]))
    .map((fields) => ({ localPort: parseInt(fields[1]?.split(':')[1] ?? '0', 16), state: fields[3] ?? '' }));
}
