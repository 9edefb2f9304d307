// When a worker stops accepting for a while: all of a vassal's workers accept
// from one shared socket, and a burst of connections (32 keep-alive clients
// opening at once) goes to whichever worker the scheduler runs first; a
// keep-alive connection then stays where it landed. A worker that holds more
// than `slack` connections above the least busy live sibling stops accepting
// (the backlog holds the connections; a sibling takes them), and starts again
// once it no longer does. Pure: the board of counts is read elsewhere.

/** A board slot that holds no live accepting worker (never started, exited, or draining). */
export const GONE = -1;

/** How many connections above the least busy sibling a worker may hold before it pauses. */
export const DEFAULT_SLACK = 1;

/** true when `own` open connections are more than `slack` above the least busy live sibling in `board` (slot `self` is ours). */
export function overShare(own: number, board: ArrayLike<number>, self: number, slack = DEFAULT_SLACK): boolean {
  let least = Number.POSITIVE_INFINITY;
  for (let slot = 0; slot < board.length; slot++) {
    const count = board[slot] ?? GONE;
    if (slot !== self && count >= 0 && count < least) least = count;
  }
  return own > least + slack;
}

/** Whether the siblings moved since `before`: a sibling that accepts nothing (stuck in a long request) must not hold us paused. */
export function siblingsMoved(before: ArrayLike<number>, after: ArrayLike<number>, self: number): boolean {
  for (let slot = 0; slot < after.length; slot++) {
    if (slot !== self && before[slot] !== after[slot]) return true;
  }
  return false;
}
