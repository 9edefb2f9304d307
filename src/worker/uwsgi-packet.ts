// The uwsgi binary protocol's request packet (what nginx's uwsgi_pass sends):
// a 4-byte header (modifier1, datasize as 16-bit little-endian, modifier2),
// then `datasize` bytes of vars, each a 16-bit LE key length, the key, a 16-bit
// LE value length and the value; the request body follows the packet. Pure:
// it reads bytes and says what they are, it never throws on any input.

/** Bytes of the header before the vars. */
export const UWSGI_HEADER_SIZE = 4;

/** A whole packet: its modifiers, its vars in order, and how many bytes it took. */
export interface UwsgiPacket {
  readonly modifier1: number;
  readonly modifier2: number;
  /** [key, value] pairs as sent, bytes read as latin1 (as Node reads HTTP headers) */
  readonly vars: readonly (readonly [string, string])[];
  /** header + vars: where the body starts in the buffer */
  readonly size: number;
}

/** What the bytes received so far are: not enough yet, a packet, or not a packet at all. */
export type PacketRead =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'packet'; readonly packet: UwsgiPacket }
  | { readonly kind: 'malformed'; readonly reason: string };

const INCOMPLETE: PacketRead = { kind: 'incomplete' };

/**
 * Read the packet at the start of `bytes`. `maxSize` bounds datasize (uWSGI's
 * buffer-size): a larger one is refused from its header alone, before its vars arrive.
 */
export function readPacket(bytes: Uint8Array, maxSize: number): PacketRead {
  if (bytes.length < UWSGI_HEADER_SIZE) return INCOMPLETE;
  const datasize = (bytes[1] ?? 0) | ((bytes[2] ?? 0) << 8);
  if (datasize > maxSize) return malformed(`datasize ${datasize} is over buffer-size ${maxSize}`);
  const end = UWSGI_HEADER_SIZE + datasize;
  if (bytes.length < end) return INCOMPLETE;
  const vars = readVars(bytes, UWSGI_HEADER_SIZE, end);
  if (typeof vars === 'string') return malformed(vars);
  return { kind: 'packet', packet: { modifier1: bytes[0] ?? 0, modifier2: bytes[3] ?? 0, vars, size: end } };
}

/** The vars between `start` and `end`, or why they are not vars. */
function readVars(bytes: Uint8Array, start: number, end: number): (readonly [string, string])[] | string {
  const vars: (readonly [string, string])[] = [];
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = start;
  while (at < end) {
    if (at + 2 > end) return `a key length cut at byte ${at - start} of ${end - start}`;
    const keyLength = buffer.readUInt16LE(at);
    if (keyLength === 0) return `an empty key at byte ${at - start}`;
    const keyEnd = at + 2 + keyLength;
    // a key needs its value's length after it
    if (keyEnd + 2 > end) return `key of ${keyLength} bytes at byte ${at - start} runs past the vars (${end - start} bytes)`;
    const valueLength = buffer.readUInt16LE(keyEnd);
    const valueEnd = keyEnd + 2 + valueLength;
    if (valueEnd > end) return `value of ${valueLength} bytes at byte ${keyEnd - start} runs past the vars (${end - start} bytes)`;
    vars.push([buffer.toString('latin1', at + 2, keyEnd), buffer.toString('latin1', keyEnd + 2, valueEnd)]);
    at = valueEnd;
  }
  return vars;
}

function malformed(reason: string): PacketRead {
  return { kind: 'malformed', reason };
}
