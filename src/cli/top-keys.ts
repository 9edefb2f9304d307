// The terminal's bytes as top's keys: j/k and the arrow keys move, Enter or
// space shows the workers, Escape hides them, q or Ctrl-C quits. Raw mode
// delivers an escape sequence whole in one read; unknown bytes are ignored.
import type { TopKey } from './top-model.js';

const ESCAPES: ReadonlyMap<string, TopKey> = new Map([
  ['\x1b', 'close'],
  ['\x1b[A', 'up'],
  ['\x1bOA', 'up'],
  ['\x1b[B', 'down'],
  ['\x1bOB', 'down'],
  ['\x1b[H', 'first'],
  ['\x1b[1~', 'first'],
  ['\x1b[F', 'last'],
  ['\x1b[4~', 'last'],
]);

const CHARACTERS: ReadonlyMap<string, TopKey> = new Map([
  ['k', 'up'],
  ['j', 'down'],
  ['g', 'first'],
  ['G', 'last'],
  ['\r', 'toggle'],
  ['\n', 'toggle'],
  [' ', 'toggle'],
  ['q', 'quit'],
  ['Q', 'quit'],
  ['\x03', 'quit'],
]);

/** After ESC: a CSI or SS3 sequence's tail (arrows, Home, End, F-keys...). */
const SEQUENCE_TAIL = /^(?:\[[0-9;]*[ -/]*[@-~]|O[@-~])/;

/** The keys in one chunk of input, in order. */
export function decodeKeys(input: string): TopKey[] {
  const keys: TopKey[] = [];
  let at = 0;
  while (at < input.length) {
    const rest = input.slice(at);
    const token = rest.startsWith('\x1b') ? `\x1b${SEQUENCE_TAIL.exec(rest.slice(1))?.[0] ?? ''}` : (rest[0] ?? '');
    const key = (token.startsWith('\x1b') ? ESCAPES : CHARACTERS).get(token);
    if (key !== undefined) keys.push(key);
    at += token.length;
  }
  return keys;
}
