// Which phase of a reload each slow request was sent in, from the master's log:
// "boot" while the new workers start (reload started → reload finished),
// "switch" while the old ones drain (reload finished → their last exit + 20 ms),
// "other" for the rest (steady serving between reloads).
import { lineTime, type LogLine } from './tracked-process.js';

export interface PhaseCounts {
  readonly boot: number;
  readonly switch: number;
  readonly other: number;
}

interface Window {
  readonly from: number;
  readonly to: number;
}

/** The boot and switch windows of every reload the master `pid` logged. */
function windows(lines: readonly LogLine[], pid: number): { boot: Window[]; switch: Window[] } {
  const mine = lines.filter((line) => line.pid === pid);
  const boot: Window[] = [];
  const drain: Window[] = [];
  mine.forEach((line, index) => {
    if (line.msg !== 'reload started') return;
    const generation = Number(line.generation);
    const finished = mine.slice(index).find((l) => l.msg === 'reload finished' && Number(l.generation) === generation);
    if (finished === undefined) return;
    boot.push({ from: lineTime(line), to: lineTime(finished) });
    const exits = mine.filter((l) => l.msg === 'worker exited' && Number(l.generation) === generation - 1).map(lineTime);
    drain.push({ from: lineTime(finished), to: (exits.length > 0 ? Math.max(...exits) : lineTime(finished) + 50) + 20 });
  });
  return { boot, switch: drain };
}

/** Count `slow` requests (send times, ms since epoch) by reload phase. */
export function slowByPhase(lines: readonly LogLine[], pid: number, slow: readonly { readonly atMs: number }[]): PhaseCounts {
  const { boot, switch: drain } = windows(lines, pid);
  const inside = (t: number, list: readonly Window[]): boolean => list.some((w) => t >= w.from && t < w.to);
  let inBoot = 0;
  let inSwitch = 0;
  for (const { atMs } of slow) {
    if (inside(atMs, boot)) inBoot += 1;
    else if (inside(atMs, drain)) inSwitch += 1;
  }
  return { boot: inBoot, switch: inSwitch, other: slow.length - inBoot - inSwitch };
}
