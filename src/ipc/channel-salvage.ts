// Node parses the lines of one read from an IPC channel in order and stops at
// the first that is not JSON: the valid messages after it in the same read
// would be lost with the junk (a hostile app writing junk and then its own
// ready message, in one write, would never be ready), and so would the read's
// unfinished last line, which Node keeps only after the loop. Pure: from what
// Node had buffered and the text of the read, what it never delivered.

/** What one read holds beyond the line Node stopped at. */
export interface Salvage {
  /** the valid messages after the first junk line, in order: Node never delivered them */
  readonly messages: readonly unknown[];
  /** lines that are not JSON (the one Node stopped at included) */
  readonly junk: number;
  /** the unfinished last line: the start of the next message */
  readonly tail: string;
  /** a NODE_HANDLE before the junk line took this read's descriptor */
  readonly handleTaken: boolean;
}

/** Node's test for an internal message: `cmd` is NODE_ and more. */
export function isInternalMessage(message: unknown): message is { readonly cmd: string } {
  const cmd = (message as { cmd?: unknown } | null)?.cmd;
  return typeof message === 'object' && typeof cmd === 'string' && cmd.length > 5 && cmd.startsWith('NODE_');
}

/** Split the read as Node did (`buffered` + `decoded`), skip what Node delivered, keep the valid lines after the junk. */
export function salvageRead(buffered: string, decoded: string): Salvage {
  const lines = decoded.split('\n');
  const last = lines.pop() ?? '';
  // Node prepends what it had buffered to the first complete line, or keeps it with the unfinished one
  const tail = lines.length === 0 ? buffered + last : last;
  if (lines.length > 0) lines[0] = buffered + (lines[0] ?? '');
  let handleTaken = false;
  let at = 0;
  // the lines Node parsed and delivered before it stopped
  for (; at < lines.length; at++) {
    const message = parsed(lines[at] ?? '');
    if (message === NOT_JSON) break;
    if (isInternalMessage(message) && message.cmd === 'NODE_HANDLE') handleTaken = true;
  }
  const messages: unknown[] = [];
  let junk = at < lines.length ? 1 : 0;
  for (const line of lines.slice(at + 1)) {
    const message = parsed(line);
    if (message === NOT_JSON) junk++;
    else messages.push(message);
  }
  return { messages, junk, tail, handleTaken };
}

const NOT_JSON = Symbol('not JSON');

function parsed(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return NOT_JSON;
  }
}
