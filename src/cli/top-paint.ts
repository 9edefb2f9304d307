// Painting top's screen with hand-written ANSI: home the cursor, each line cut
// to the width and cleared to its end, the rest of the screen cleared, so a
// redraw never flickers or wraps. And the sequences that take over the
// terminal (alternate screen, hidden cursor) and give it back.
import { cut } from './format-table.js';
import type { LineStyle, ScreenLine } from './top-render.js';

const CSI = '\x1b[';

/** Switch to the alternate screen and hide the cursor. */
export const ENTER_SCREEN = `${CSI}?1049h${CSI}?25l${CSI}H${CSI}2J`;
/** Show the cursor and leave the alternate screen (the shell's screen comes back as it was). */
export const LEAVE_SCREEN = `${CSI}0m${CSI}?25h${CSI}?1049l`;

const STYLES: Readonly<Record<LineStyle, string>> = {
  title: `${CSI}1m`,
  problem: `${CSI}1;31m`,
  header: `${CSI}1;4m`,
  row: '',
  selected: `${CSI}7m`,
  worker: `${CSI}36m`,
  help: `${CSI}2m`,
};

/** The bytes that draw `lines` on a `width`-column screen. */
export function paint(lines: readonly ScreenLine[], width: number): string {
  // the last column stays empty: a character there leaves the cursor pending a wrap, and the erase after it would take it
  const usable = Math.max(0, width - 1);
  const drawn = lines.map((line) => {
    const text = cut(line.text, usable);
    // the selection bar spans the whole width
    const shown = line.style === 'selected' ? text.padEnd(usable) : text;
    const style = STYLES[line.style];
    return `${style}${shown}${style === '' ? '' : `${CSI}0m`}${CSI}K`;
  });
  return `${CSI}H${drawn.join('\r\n')}${CSI}J`;
}
