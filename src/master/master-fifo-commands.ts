// The master FIFO's command table: every byte written to the FIFO is one
// command, as in uWSGI (core/fifo.c). Pure: what a chunk of bytes asks for,
// coalesced the way signals are, with no Node API in sight.
import type { MasterCommand } from './signals.js';

/** Byte → command; the only place the FIFO's letters are defined. */
export const FIFO_COMMANDS: Readonly<Record<string, MasterCommand>> = {
  r: 'reload',
  R: 'brutal-reload',
  q: 'stop',
  Q: 'kill',
  s: 'stats',
  w: 'reload-workers',
  W: 'reload-workers-brutal',
  c: 'chain-reload',
  p: 'pause-toggle',
  l: 'reopen-logs',
  P: 'write-pidfiles',
  '+': 'add-worker',
  '-': 'remove-worker',
  E: 'emperor-rescan',
  B: 'ask-reinforcements',
  U: 'restore-snapshot',
};

/** Commands where each byte counts (`+++` is three more workers, `pp` pauses and resumes); the others run once per read. */
export const COUNTED_COMMANDS: ReadonlySet<MasterCommand> = new Set<MasterCommand>(['add-worker', 'remove-worker', 'pause-toggle']);

/** Bytes that end an `echo r > fifo` and mean nothing. */
const IGNORED = new Set(['\n', '\r']);


/** One command and the byte that asked for it. */
export interface FifoCommand {
  readonly byte: string;
  readonly command: MasterCommand;
}

/** What one read from the FIFO asks for. */
export interface FifoRead {
  /** in the order first asked */
  readonly commands: readonly FifoCommand[];
  /** the last slot digit read (0-9), or null: the FIFO moves once the read's commands ran */
  readonly slot: number | null;
  /** distinct byte values that are not commands, in the order met */
  readonly unknown: readonly number[];
}

/** Decode one chunk: a command already asked in this chunk is not queued twice, unless it counts. */
export function decodeFifoBytes(bytes: Uint8Array): FifoRead {
  const commands: FifoCommand[] = [];
  const asked = new Set<MasterCommand>();
  const unknown = new Set<number>();
  let slot: number | null = null;
  for (const value of bytes) {
    const byte = String.fromCharCode(value);
    if (IGNORED.has(byte)) continue;
    if (value >= 0x30 && value <= 0x39) {
      slot = value - 0x30;
      continue;
    }
    const command = Object.hasOwn(FIFO_COMMANDS, byte) ? FIFO_COMMANDS[byte] : undefined;
    if (command === undefined) unknown.add(value);
    else if (COUNTED_COMMANDS.has(command) || !asked.has(command)) {
      asked.add(command);
      commands.push({ byte, command });
    }
  }
  return { commands, slot, unknown: [...unknown] };
}

/** The characters of `text` that the FIFO would not understand (for `uw --fifo`, which refuses them). */
export function unknownFifoBytes(text: string): string[] {
  return [...new Set(text)].filter((char) => !IGNORED.has(char) && !/^[0-9]$/.test(char) && !Object.hasOwn(FIFO_COMMANDS, char));
}

/** How a byte is shown in a log line: the character when printable, else its code. */
export function showByte(value: number): string {
  return value >= 0x21 && value <= 0x7e ? String.fromCharCode(value) : `0x${value.toString(16).padStart(2, '0')}`;
}
