// A process's memory from /proc/PID/status, read asynchronously (a master
// collecting statistics for many workers never blocks its loop on /proc).
import { readFile } from 'node:fs/promises';

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
export async function processMemory(pid: number): Promise<ProcessMemory | null> {
  try {
    return parseProcStatus(await readFile(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return null;
  }
}
