// A process's memory from /proc/PID/status. Read synchronously: procfs is
// generated from memory (never a disk wait), and one read costs ~60 µs where
// the promise API's open/fstat/read/close through the thread pool costs ~1 ms.
import { readFileSync } from 'node:fs';

/** Resident and virtual size, bytes. */
export interface ProcessMemory {
  readonly rss: number;
  readonly vsz: number;
}

const KIB = 1024;

/** Parse VmRSS and VmSize (kB) of a /proc/PID/status text. */
export function parseProcStatus(text: string): ProcessMemory | null {
  const rss = /^VmRSS:\s+(\d+) kB/m.exec(text)?.[1];
  const vsz = /^VmSize:\s+(\d+) kB/m.exec(text)?.[1];
  return rss === undefined ? null : { rss: Number(rss) * KIB, vsz: Number(vsz ?? 0) * KIB };
}

/** The memory of `pid`, or null when it is gone (or this is not Linux). */
export function processMemory(pid: number): ProcessMemory | null {
  try {
    return parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return null;
  }
}
