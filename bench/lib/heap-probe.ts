// Loaded into the soak's emperor and masters (NODE_OPTIONS=--import): on SIGPWR,
// one line with V8's heap figures goes to $UW_HEAP_PROBE_DIR/.heap-PID.jsonl (hidden: the emperor ignores it), so
// that the soak can tell the JS heap's growth from the rest of the RSS (native
// allocations, fragmentation). SIGPWR, because the emperor and master own USR1/USR2.
import { appendFileSync } from 'node:fs';

/** What one probe line holds, in KiB. */
export interface HeapFigures {
  /** V8's heap as reserved from the system (what the RSS holds) */
  readonly heapTotalKb: number;
  /** live objects and garbage not yet collected */
  readonly heapUsedKb: number;
  /** memory of C++ objects bound to JS ones (buffers among them) */
  readonly externalKb: number;
  /** live objects after a full GC (the process runs with --expose-gc), or NaN: what a leak would grow */
  readonly liveKb: number;
}

const dir = process.env.UW_HEAP_PROBE_DIR;
if (dir !== undefined) {
  process.on('SIGPWR', () => {
    const before = process.memoryUsage();
    // heapUsed alone counts garbage not yet collected: after a full GC it is the live heap
    const collect = (globalThis as { gc?: () => void }).gc;
    collect?.();
    const liveKb = collect === undefined ? Number.NaN : Math.round(process.memoryUsage().heapUsed / 1024);
    const figures: HeapFigures = { heapTotalKb: Math.round(before.heapTotal / 1024), heapUsedKb: Math.round(before.heapUsed / 1024), externalKb: Math.round(before.external / 1024), liveKb };
    appendFileSync(`${dir}/.heap-${process.pid}.jsonl`, `${JSON.stringify(figures)}\n`);
  });
}
